// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IStakeSource} from "./interfaces/IStakeSource.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {Constants} from "./libraries/Constants.sol";
import {MemberStatuses} from "./libraries/MemberStatuses.sol";

/// @title ConsortiumRegistry
/// @notice Membership lifecycle, record keys, SLAs and the governance asset list of the consortium.
contract ConsortiumRegistry is IConsortiumRegistry, AccessControl {
    using MemberStatuses for MemberStatus;

    /// @notice Role of the auditors who approve a member's genesis.
    bytes32 public constant AUDITOR_ROLE = keccak256("AUDITOR_ROLE");
    /// @notice Role of the adjudication contract (may eject).
    bytes32 public constant ADJUDICATOR_ROLE = keccak256("ADJUDICATOR_ROLE");

    /// @dev Stored validUntil of a key not yet closed.
    uint48 private constant _OPEN = type(uint48).max;
    /// @dev Stored decryption end of a key holder still allowed to decrypt.
    uint64 private constant _DECRYPT_OPEN = type(uint64).max;

    /// @dev A key hash's member and validity interval, in one slot.
    struct KeyHolder {
        address member;
        uint48 validFrom;
        uint48 validUntil;
    }

    mapping(address member => MemberInfo info) private _members;
    mapping(address member => Sla sla) private _slas;
    mapping(address member => RecordKey[] keys) private _keys;
    /// @dev Every registered key hash, its member and validity in one slot (the fraud-proof path reads one word).
    mapping(uint256 keyHash => KeyHolder holder) private _keyHolders;
    mapping(address operator => EncryptionKey[] keys) private _encryptionKeys;
    /// @dev Operators that ever registered an encryption key, in order of their first one.
    address[] private _encryptionKeyHolders;
    /// @dev Per encryption-key holder, the first second in which it may no longer decrypt: _DECRYPT_OPEN from its first
    /// key until it stops (exit, ejection, auditor role lost), then that block's timestamp, for good; 0 for others.
    mapping(address holder => uint64 endedAt) private _decryptionEnd;
    mapping(uint32 assetId => Asset asset) private _assets;
    /// @dev The asset id a (non-zero) token contract is listed under, plus one (zero: not listed).
    mapping(address token => uint256 idPlusOne) private _tokenAssets;
    uint32[] private _assetIds;
    Sla private _defaultSla;
    uint64 private _unbondingDelay;
    uint64 private _probationPeriod;
    address private _stakeSource;

    /// @param admin Governance (DEFAULT_ADMIN_ROLE).
    /// @param defaultSla_ SLA given to new applicants.
    /// @param unbondingDelay_ Exit and withdrawal delay, in seconds.
    /// @param probationPeriod_ Probation after which anyone may activate a collateralised member, in seconds.
    constructor(address admin, Sla memory defaultSla_, uint64 unbondingDelay_, uint64 probationPeriod_) {
        if (admin == address(0)) revert ConsortiumRegistryZeroAddress();
        _checkSla(defaultSla_);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _defaultSla = defaultSla_;
        emit DefaultSlaSet(defaultSla_);
        _unbondingDelay = unbondingDelay_;
        emit UnbondingDelaySet(unbondingDelay_);
        _probationPeriod = probationPeriod_;
        emit ProbationPeriodSet(probationPeriod_);
    }

    // ------------------------------------------------------------------ lifecycle

    /// @inheritdoc IConsortiumRegistry
    function applyForMembership(bytes32 profileDigest) external {
        MemberInfo storage info = _members[msg.sender];
        if (info.status != MemberStatus.None) revert ConsortiumRegistryWrongStatus(msg.sender, info.status);
        info.status = MemberStatus.Applied;
        info.appliedAt = uint64(block.timestamp);
        info.profileDigest = profileDigest;
        Sla memory sla = _defaultSla;
        _slas[msg.sender] = sla;
        emit MemberApplied(msg.sender, profileDigest, sla);
    }

    /// @inheritdoc IConsortiumRegistry
    function approveGenesis(address member, bytes32 genesisDigest) external onlyRole(AUDITOR_ROLE) {
        if (genesisDigest == bytes32(0)) revert ConsortiumRegistryZeroDigest();
        MemberInfo storage info = _members[member];
        if (info.status != MemberStatus.Applied) revert ConsortiumRegistryWrongStatus(member, info.status);
        info.status = MemberStatus.Probation;
        info.probationSince = uint64(block.timestamp);
        info.genesisAuditor = msg.sender;
        info.genesisDigest = genesisDigest;
        emit GenesisApproved(member, msg.sender, genesisDigest);
        _pushCoSigner(member, true);
    }

    /// @inheritdoc IConsortiumRegistry
    function activate(address member) external {
        MemberInfo storage info = _members[member];
        if (info.status != MemberStatus.Probation) revert ConsortiumRegistryWrongStatus(member, info.status);
        if (!hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            uint64 endsAt = info.probationSince + _probationPeriod;
            if (block.timestamp < endsAt) revert ConsortiumRegistryProbationNotOver(member, endsAt);
        }
        uint256 stake = _stakeOf(member);
        uint256 minimum = _slas[member].minCollateral;
        if (stake < minimum) revert ConsortiumRegistryInsufficientCollateral(member, stake, minimum);
        info.status = MemberStatus.Active;
        info.activeSince = uint64(block.timestamp);
        emit MemberActivated(member, msg.sender, stake);
    }

    /// @inheritdoc IConsortiumRegistry
    function requestExit() external {
        MemberInfo storage info = _members[msg.sender];
        if (!info.status.isOperating()) revert ConsortiumRegistryWrongStatus(msg.sender, info.status);
        uint64 exitableAt = uint64(block.timestamp) + _unbondingDelay;
        info.status = MemberStatus.Exiting;
        info.exitableAt = exitableAt;
        emit MemberExitRequested(msg.sender, exitableAt);
        _pushCoSigner(msg.sender, false);
        _endDecryption(msg.sender);
    }

    /// @inheritdoc IConsortiumRegistry
    function completeExit(address member) external {
        MemberInfo storage info = _members[member];
        if (info.status != MemberStatus.Exiting) revert ConsortiumRegistryWrongStatus(member, info.status);
        if (block.timestamp < info.exitableAt) revert ConsortiumRegistryExitNotReady(member, info.exitableAt);
        info.status = MemberStatus.Exited;
        emit MemberExited(member);
    }

    /// @inheritdoc IConsortiumRegistry
    function eject(address member) external {
        if (!hasRole(ADJUDICATOR_ROLE, msg.sender) && !hasRole(DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert ConsortiumRegistryNotEjector(msg.sender);
        }
        MemberInfo storage info = _members[member];
        MemberStatus previous = info.status;
        if (previous == MemberStatus.None || previous.hasLeft()) revert ConsortiumRegistryWrongStatus(member, previous);
        info.status = MemberStatus.Ejected;
        emit MemberEjected(member, msg.sender, previous);
        if (previous.isOperating()) {
            _pushCoSigner(member, false);
            _endDecryption(member);
        }
    }

    // ------------------------------------------------------------------ record keys

    /// @inheritdoc IConsortiumRegistry
    function registerKey(uint256 keyHash, uint256 ax, uint256 ay, uint64 validFrom) external {
        // Only auditor-approved members (Probation, Active) register keys: a key hash belongs to one member, once, so
        // a mere applicant must not be able to squat hashes it sees in the mempool.
        if (!_isOperating(msg.sender)) revert ConsortiumRegistryWrongStatus(msg.sender, _members[msg.sender].status);
        if (
            keyHash == 0 ||
            keyHash >= Constants.FIELD_MODULUS ||
            ax >= Constants.FIELD_MODULUS ||
            ay >= Constants.FIELD_MODULUS
        ) {
            revert ConsortiumRegistryInvalidKey();
        }
        // A key hash belongs to one member, once: a fraud proof names the member through it.
        address holder = _keyHolders[keyHash].member;
        if (holder != address(0)) revert ConsortiumRegistryKeyTaken(keyHash, holder);
        RecordKey[] storage keys = _keys[msg.sender];
        uint256 count = keys.length;
        uint64 earliest = uint64(block.timestamp);
        if (count > 0) {
            uint64 afterPrevious = keys[count - 1].validFrom + 1;
            if (afterPrevious > earliest) earliest = afterPrevious;
        }
        if (validFrom < earliest) revert ConsortiumRegistryKeyNotInFuture(validFrom, earliest);
        if (validFrom >= _OPEN) revert ConsortiumRegistryInvalidKey();
        if (count > 0) {
            uint64 validUntil = validFrom - 1;
            RecordKey storage previous = keys[count - 1];
            previous.validUntil = validUntil;
            // validUntil < validFrom < 2^48.
            _keyHolders[previous.keyHash].validUntil = uint48(validUntil);
            emit RecordKeyClosed(msg.sender, count - 1, validUntil);
        }
        keys.push(RecordKey({keyHash: keyHash, ax: ax, ay: ay, validFrom: validFrom, validUntil: type(uint64).max}));
        _keyHolders[keyHash] = KeyHolder({member: msg.sender, validFrom: uint48(validFrom), validUntil: _OPEN});
        emit RecordKeyRegistered(msg.sender, count, keyHash, ax, ay, validFrom);
    }

    /// @inheritdoc IConsortiumRegistry
    function isKeyValidAt(address member, uint256 keyHash, uint64 t) external view returns (bool) {
        KeyHolder memory holder = _keyHolders[keyHash];
        return
            holder.member == member &&
            member != address(0) &&
            holder.validFrom <= t &&
            (holder.validUntil == _OPEN || t <= holder.validUntil);
    }

    /// @inheritdoc IConsortiumRegistry
    function keyHolderOf(uint256 keyHash) external view returns (address member, uint64 validFrom, uint64 validUntil) {
        KeyHolder memory holder = _keyHolders[keyHash];
        if (holder.member == address(0)) return (address(0), 0, 0);
        return (holder.member, holder.validFrom, holder.validUntil == _OPEN ? type(uint64).max : holder.validUntil);
    }

    /// @inheritdoc IConsortiumRegistry
    function keyHashAt(address member, uint64 t) external view returns (uint256 keyHash) {
        RecordKey[] storage keys = _keys[member];
        // validFrom is strictly increasing: binary search for the last key with validFrom <= t.
        uint256 low = 0;
        uint256 high = keys.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (keys[mid].validFrom <= t) low = mid + 1;
            else high = mid;
        }
        if (low == 0) revert ConsortiumRegistryNoKeyAt(member, t);
        RecordKey storage key = keys[low - 1];
        if (t > key.validUntil) revert ConsortiumRegistryNoKeyAt(member, t);
        return key.keyHash;
    }

    /// @inheritdoc IConsortiumRegistry
    function keyCount(address member) external view returns (uint256) {
        return _keys[member].length;
    }

    /// @inheritdoc IConsortiumRegistry
    function keyAt(address member, uint256 index) external view returns (RecordKey memory) {
        return _keys[member][index];
    }

    // ------------------------------------------------------------------ encryption keys

    /// @inheritdoc IConsortiumRegistry
    function registerEncryptionKey(bytes32 publicKey, uint64 validFrom) external {
        if (!_mayDecrypt(msg.sender)) revert ConsortiumRegistryWrongStatus(msg.sender, _members[msg.sender].status);
        uint64 endedAt = _decryptionEnd[msg.sender];
        // A holder whose history is closed (an auditor granted the role again) would reopen it: refused.
        if (endedAt != 0 && endedAt != _DECRYPT_OPEN) revert ConsortiumRegistryDecryptionEnded(msg.sender, endedAt);
        if (_isLowOrderX25519(publicKey)) revert ConsortiumRegistryInvalidKey();
        EncryptionKey[] storage keys = _encryptionKeys[msg.sender];
        uint256 count = keys.length;
        uint64 earliest = uint64(block.timestamp);
        if (count > 0) {
            uint64 afterPrevious = keys[count - 1].validFrom + 1;
            if (afterPrevious > earliest) earliest = afterPrevious;
        } else {
            _encryptionKeyHolders.push(msg.sender);
            _decryptionEnd[msg.sender] = _DECRYPT_OPEN;
        }
        if (validFrom < earliest) revert ConsortiumRegistryKeyNotInFuture(validFrom, earliest);
        if (validFrom >= _OPEN) revert ConsortiumRegistryInvalidKey();
        keys.push(EncryptionKey({publicKey: publicKey, validFrom: validFrom}));
        emit EncryptionKeyRegistered(msg.sender, count, publicKey, validFrom);
    }

    /// @dev Whether `publicKey` (little-endian u, bit 255 ignored as X25519 does) encodes a point of small order.
    function _isLowOrderX25519(bytes32 publicKey) private pure returns (bool) {
        bytes32 u = publicKey & ~bytes32(uint256(0x80));
        return
            u == bytes32(0) ||
            u == 0x0100000000000000000000000000000000000000000000000000000000000000 ||
            u == 0xe0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800 ||
            u == 0x5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157 ||
            u == 0xecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f ||
            u == 0xedffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f ||
            u == 0xeeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f;
    }

    /// @inheritdoc IConsortiumRegistry
    function encryptionKeyAt(address operator, uint64 t) public view returns (bytes32) {
        EncryptionKey[] storage keys = _encryptionKeys[operator];
        // validFrom is strictly increasing: the last key with validFrom <= t.
        uint256 low = 0;
        uint256 high = keys.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (keys[mid].validFrom <= t) low = mid + 1;
            else high = mid;
        }
        return low == 0 ? bytes32(0) : keys[low - 1].publicKey;
    }

    /// @inheritdoc IConsortiumRegistry
    function encryptionKeyCount(address operator) external view returns (uint256) {
        return _encryptionKeys[operator].length;
    }

    /// @inheritdoc IConsortiumRegistry
    function encryptionKeyByIndex(address operator, uint256 index) external view returns (EncryptionKey memory) {
        return _encryptionKeys[operator][index];
    }

    /// @inheritdoc IConsortiumRegistry
    function encryptionRecipientsAt(
        uint64 t
    ) external view returns (address[] memory operators, bytes32[] memory publicKeys) {
        uint256 n = _encryptionKeyHolders.length;
        operators = new address[](n);
        publicKeys = new bytes32[](n);
        uint256 found = 0;
        for (uint256 i = 0; i < n; i++) {
            address operator = _encryptionKeyHolders[i];
            bytes32 key = _recipientKeyAt(operator, t);
            if (key == bytes32(0)) continue;
            operators[found] = operator;
            publicKeys[found] = key;
            found++;
        }
        // Shrink both arrays to the operators found.
        assembly ("memory-safe") {
            mstore(operators, found)
            mstore(publicKeys, found)
        }
    }

    /// @inheritdoc IConsortiumRegistry
    function hasEncryptionRecipientAt(uint64 t) external view returns (bool) {
        uint256 n = _encryptionKeyHolders.length;
        for (uint256 i = 0; i < n; i++) {
            if (_recipientKeyAt(_encryptionKeyHolders[i], t) != bytes32(0)) return true;
        }
        return false;
    }

    /// @inheritdoc IConsortiumRegistry
    function decryptionEndOf(address holder) external view returns (uint64) {
        return _decryptionEnd[holder];
    }

    /// @dev `holder`'s key in force at `t` if it was allowed to decrypt at `t` (its decryption end after `t`), else
    /// zero. Allowed from its first key on (registered while allowed, in force from its validFrom >= registration), so
    /// "allowed at t and a key in force at t" is: a key with validFrom <= t and t before the recorded end.
    function _recipientKeyAt(address holder, uint64 t) private view returns (bytes32) {
        if (t >= _decryptionEnd[holder]) return bytes32(0);
        return encryptionKeyAt(holder, t);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IConsortiumRegistry
    function statusOf(address member) external view returns (MemberStatus) {
        return _members[member].status;
    }

    /// @inheritdoc IConsortiumRegistry
    function memberInfo(address member) external view returns (MemberInfo memory) {
        return _members[member];
    }

    /// @inheritdoc IConsortiumRegistry
    function canCoSign(address operator) external view returns (bool) {
        return _isOperating(operator);
    }

    /// @inheritdoc IConsortiumRegistry
    function canCommit(address member) external view returns (bool) {
        return _isOperating(member) && _stakeOf(member) >= _slas[member].minCollateral;
    }

    /// @inheritdoc IConsortiumRegistry
    function ejectionTermsOf(address member) external view returns (bool ejectable, uint256 minCollateral) {
        // Only a co-signing member (Probation, Active) is ejected for low collateral: an Exiting one withdraws by
        // design.
        if (!_isOperating(member)) return (false, 0);
        return (true, _slas[member].minCollateral);
    }

    /// @inheritdoc IConsortiumRegistry
    function commitTermsOf(
        address member
    ) external view returns (bool allowed, uint64 snapshotInterval, uint64 responseWindow) {
        if (!_isOperating(member)) return (false, 0, 0);
        Sla storage sla = _slas[member];
        // A set is only as good as the stake a fraud proof against it can slash: a member below its minimum (an
        // EigenLayer operator that left or deallocated, a probation member that never staked) commits nothing.
        uint256 stake = _stakeOf(member);
        uint256 minimum = sla.minCollateral;
        if (stake < minimum) revert ConsortiumRegistryInsufficientCollateral(member, stake, minimum);
        return (true, sla.snapshotInterval, sla.responseWindow);
    }

    /// @inheritdoc IConsortiumRegistry
    function canSendZeroConf(address member) external view returns (bool) {
        return _members[member].status == MemberStatus.Active;
    }

    /// @inheritdoc IConsortiumRegistry
    function slaOf(address member) external view returns (Sla memory) {
        if (_members[member].status == MemberStatus.None) return _defaultSla;
        return _slas[member];
    }

    /// @inheritdoc IConsortiumRegistry
    function meetsMinCollateral(address member) external view returns (bool) {
        Sla memory sla = _members[member].status == MemberStatus.None ? _defaultSla : _slas[member];
        return _stakeOf(member) >= sla.minCollateral;
    }

    /// @inheritdoc IConsortiumRegistry
    function assetToken(uint32 assetId) external view returns (address token) {
        Asset storage asset = _assets[assetId];
        if (!asset.listed) revert ConsortiumRegistryUnknownAsset(assetId);
        return asset.token;
    }

    /// @inheritdoc IConsortiumRegistry
    function assetInfo(uint32 assetId) external view returns (Asset memory) {
        Asset storage asset = _assets[assetId];
        if (!asset.listed) revert ConsortiumRegistryUnknownAsset(assetId);
        return asset;
    }

    /// @inheritdoc IConsortiumRegistry
    function assetIds() external view returns (uint32[] memory) {
        return _assetIds;
    }

    /// @inheritdoc IConsortiumRegistry
    function defaultSla() external view returns (Sla memory) {
        return _defaultSla;
    }

    /// @inheritdoc IConsortiumRegistry
    function unbondingDelay() external view returns (uint64) {
        return _unbondingDelay;
    }

    /// @inheritdoc IConsortiumRegistry
    function probationPeriod() external view returns (uint64) {
        return _probationPeriod;
    }

    /// @inheritdoc IConsortiumRegistry
    function stakeSource() external view returns (address) {
        return _stakeSource;
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IConsortiumRegistry
    function setSla(address member, Sla calldata sla) external onlyRole(DEFAULT_ADMIN_ROLE) {
        MemberStatus status = _members[member].status;
        if (status == MemberStatus.None) revert ConsortiumRegistryWrongStatus(member, status);
        _checkSla(sla);
        _slas[member] = sla;
        emit MemberSlaSet(member, sla);
    }

    /// @inheritdoc IConsortiumRegistry
    function setDefaultSla(Sla calldata sla) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _checkSla(sla);
        _defaultSla = sla;
        emit DefaultSlaSet(sla);
    }

    /// @inheritdoc IConsortiumRegistry
    function listAsset(
        uint32 assetId,
        address token,
        string calldata symbol,
        uint8 decimals
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Asset storage asset = _assets[assetId];
        if (asset.listed) revert ConsortiumRegistryAssetExists(assetId);
        if (token != address(0)) {
            uint256 listedAs = _tokenAssets[token];
            if (listedAs != 0) revert ConsortiumRegistryTokenListed(token, uint32(listedAs - 1));
            _tokenAssets[token] = uint256(assetId) + 1;
        }
        asset.token = token;
        asset.decimals = decimals;
        asset.listed = true;
        asset.symbol = symbol;
        _assetIds.push(assetId);
        emit AssetListed(assetId, token, symbol, decimals);
    }

    /// @inheritdoc IConsortiumRegistry
    function setUnbondingDelay(uint64 delay) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unbondingDelay = delay;
        emit UnbondingDelaySet(delay);
    }

    /// @inheritdoc IConsortiumRegistry
    function setProbationPeriod(uint64 period) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _probationPeriod = period;
        emit ProbationPeriodSet(period);
    }

    /// @inheritdoc IConsortiumRegistry
    function setStakeSource(address source) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (source == address(0)) revert ConsortiumRegistryZeroAddress();
        // The source caches which members may co-sign: a second one would not know the members approved before.
        if (_stakeSource != address(0)) revert ConsortiumRegistryStakeSourceAlreadySet(_stakeSource);
        _stakeSource = source;
        emit StakeSourceSet(source);
    }

    // ------------------------------------------------------------------ internal

    function _isOperating(address member) private view returns (bool) {
        return _members[member].status.isOperating();
    }

    /// @dev Who holds an encryption key private blobs are sealed to: a co-signing operator, or an auditor (who samples
    /// private sets' liabilities).
    function _mayDecrypt(address account) private view returns (bool) {
        return _isOperating(account) || hasRole(AUDITOR_ROLE, account);
    }

    /// @dev Records that `account` stopped being allowed to decrypt now, if it holds an encryption key and is not still
    /// allowed another way (an operator that is also an auditor, or the reverse). Two cold reads for a non-holder; one
    /// more and a non-zero to non-zero write for a holder.
    function _endDecryption(address account) private {
        if (_decryptionEnd[account] != _DECRYPT_OPEN) return;
        if (_mayDecrypt(account)) return;
        uint64 endedAt = uint64(block.timestamp);
        _decryptionEnd[account] = endedAt;
        emit DecryptionEnded(account, endedAt);
    }

    /// @dev Losing the auditor role (revoked or renounced) ends a key holder's decryption unless it still operates.
    function _revokeRole(bytes32 role, address account) internal override returns (bool revoked) {
        revoked = super._revokeRole(role, account);
        if (revoked && role == AUDITOR_ROLE) _endDecryption(account);
    }

    /// @dev The stake source caches co-signer eligibility next to each stake weight, so the quorum reads one slot per
    /// signer.
    function _pushCoSigner(address member, bool coSigner) private {
        address source = _stakeSource;
        if (source == address(0)) revert ConsortiumRegistryStakeSourceNotSet();
        IStakeSource(source).setCoSigner(member, coSigner);
    }

    function _stakeOf(address member) private view returns (uint256) {
        address source = _stakeSource;
        if (source == address(0)) revert ConsortiumRegistryStakeSourceNotSet();
        return IStakeSource(source).stakeOf(member);
    }

    function _checkSla(Sla memory sla) private pure {
        if (sla.snapshotInterval == 0 || sla.responseWindow == 0) revert ConsortiumRegistryInvalidSla();
    }
}
