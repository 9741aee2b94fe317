// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

import {IAdjudicator} from "./interfaces/IAdjudicator.sol";
import {ICommitmentLedger} from "./interfaces/ICommitmentLedger.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IReputation} from "./interfaces/IReputation.sol";
import {IStakeSource} from "./interfaces/IStakeSource.sol";
import {ITransfers} from "./interfaces/ITransfers.sol";
import {Constants} from "./libraries/Constants.sol";
import {MemberStatuses} from "./libraries/MemberStatuses.sol";
import {QuorumVerdicts} from "./libraries/QuorumVerdicts.sol";

/// @title Transfers
/// @notice 0-confirmation transfers between members: see `ITransfers`.
/// @dev Storage per notice: one slot, the keccak256 of its `NoticeRecord` with the low two bits holding the status
/// (the record is in `NoticePosted`); per sender: the weight its open notices owe; per (sender, recipient, asset):
/// the open amount. A sender's stake stays slashable for every open notice: settle-by is at most `maxSettleWindow`
/// after posting and `maxSettleWindow + reportWindow` may not exceed the registry's unbonding delay, so collateral a
/// sender asks to withdraw (or an exit it requests) after posting is still there `reportWindow` after settle-by;
/// credit counts only the stake not already pending withdrawal (`stakeOf`).
contract Transfers is ITransfers, AccessControl, EIP712, ReentrancyGuardTransient {
    using MemberStatuses for IConsortiumRegistry.MemberStatus;
    using SafeERC20 for IERC20;

    /// @notice EIP-712 type of a notice (signed by its sender).
    bytes32 public constant NOTICE_TYPEHASH = keccak256(
        "Notice(address sender,address recipient,uint32 asset,uint128 amount,address depositAddress,uint64 settleBy,"
        "uint64 nonce,bytes32 payloadDigest)"
    );
    /// @notice EIP-712 type of an operator's off-chain settlement verdict.
    bytes32 public constant SETTLEMENT_TYPEHASH = keccak256(
        "TransferSettlement(bytes32 noticeId,bytes32 recordHash,bytes32 txRef)"
    );
    /// @notice EIP-712 type of a deposit address's ownership proof (signed by the address).
    bytes32 public constant DEPOSIT_ADDRESS_TYPEHASH = keccak256(
        "DepositAddress(address member,uint32 asset,address depositAddress,uint64 deadline)"
    );

    uint256 private constant _STATUS_BITS = 2;
    uint256 private constant _WEIGHT_UNIT = 1e18;

    IConsortiumRegistry private immutable _REGISTRY;
    IStakeSource private immutable _STAKE;
    ICommitmentLedger private immutable _LEDGER;
    IReputation private immutable _REPUTATION;

    Params private _params;
    address private _adjudicator;
    mapping(uint32 asset => AssetTerms terms) private _assetTerms;
    mapping(uint32 asset => mapping(address depositAddress => address member)) private _depositOwners;
    mapping(bytes32 noticeId => uint256 word) private _notices;
    mapping(address sender => uint256 weight) private _owedTotal;
    mapping(address sender => mapping(address recipient => mapping(uint32 asset => uint256 amount))) private _open;
    mapping(address recipient => mapping(address sender => mapping(uint32 asset => OwnLimit limit))) private _own;
    mapping(bytes32 txRef => bytes32 noticeId) private _txUsed;
    mapping(address sender => Duties duties) private _duties;

    /// @param admin Governance (DEFAULT_ADMIN_ROLE).
    /// @param registry The consortium registry (members, assets, unbonding delay).
    /// @param stakeSource The stake source (credit, operators' weights).
    /// @param ledger The commitment ledger (quorum parameters).
    /// @param reputation Reputation (the duty record that lowers credit).
    /// @param params_ The initial parameters.
    constructor(
        address admin,
        IConsortiumRegistry registry,
        IStakeSource stakeSource,
        ICommitmentLedger ledger,
        IReputation reputation,
        Params memory params_
    ) EIP712("PoR Transfers", "1") {
        if (
            admin == address(0) ||
            address(registry) == address(0) ||
            address(stakeSource) == address(0) ||
            address(ledger) == address(0) ||
            address(reputation) == address(0)
        ) revert TransfersZeroAddress();
        _REGISTRY = registry;
        _STAKE = stakeSource;
        _LEDGER = ledger;
        _REPUTATION = reputation;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setParams(params_);
    }

    // ------------------------------------------------------------------ deposit addresses

    /// @inheritdoc ITransfers
    function registerDepositAddress(
        uint32 asset,
        address depositAddress,
        uint64 deadline,
        bytes calldata signature
    ) external {
        if (depositAddress == address(0)) revert TransfersZeroAddress();
        if (!_REGISTRY.statusOf(msg.sender).isEnrolled()) revert TransfersNotMember(msg.sender);
        if (_assetTerms[asset].kind == AssetKind.None) revert TransfersAssetNotEnabled(asset);
        if (block.timestamp > deadline) revert TransfersSignatureExpired(deadline);
        address owner = _depositOwners[asset][depositAddress];
        if (owner != address(0)) revert TransfersDepositAddressTaken(depositAddress, asset, owner);
        bytes32 digest = depositAddressDigest(msg.sender, asset, depositAddress, deadline);
        if (!SignatureChecker.isValidSignatureNow(depositAddress, digest, signature)) {
            revert TransfersBadSignature(depositAddress);
        }
        _depositOwners[asset][depositAddress] = msg.sender;
        emit DepositAddressRegistered(msg.sender, asset, depositAddress);
    }

    /// @inheritdoc ITransfers
    function removeDepositAddress(uint32 asset, address depositAddress) external {
        if (_depositOwners[asset][depositAddress] != msg.sender) {
            revert TransfersUnknownDepositAddress(msg.sender, asset, depositAddress);
        }
        delete _depositOwners[asset][depositAddress];
        emit DepositAddressRemoved(msg.sender, asset, depositAddress);
    }

    // ------------------------------------------------------------------ notices

    /// @inheritdoc ITransfers
    function postNotice(Notice calldata notice, bytes calldata signature) external returns (bytes32 noticeId) {
        address sender = notice.sender;
        address recipient = notice.recipient;
        if (!_REGISTRY.canSendZeroConf(sender)) revert TransfersSenderCannotSend(sender);
        if (recipient == sender) revert TransfersSelfTransfer(sender);
        if (!_REGISTRY.statusOf(recipient).isOperating()) revert TransfersNotMember(recipient);
        if (notice.amount == 0) revert TransfersZeroAmount();
        if (notice.payloadDigest == bytes32(0)) revert TransfersNoPayload();
        AssetTerms memory terms = _assetTerms[notice.asset];
        if (terms.kind == AssetKind.None) revert TransfersAssetNotEnabled(notice.asset);
        if (_depositOwners[notice.asset][notice.depositAddress] != recipient) {
            revert TransfersUnknownDepositAddress(recipient, notice.asset, notice.depositAddress);
        }
        _checkSettleBy(notice.settleBy);
        noticeId = noticeIdOf(sender, notice.nonce);
        if (_notices[noticeId] != 0) revert TransfersNonceUsed(sender, notice.nonce);
        if (!SignatureChecker.isValidSignatureNow(sender, noticeDigest(notice), signature)) {
            revert TransfersBadSignature(sender);
        }
        uint256 owed = _owedWeight(terms, notice.amount);
        (uint256 available, uint256 open) = _creditOf(sender, recipient, notice.asset, terms);
        if (notice.amount > available) {
            revert TransfersOverLimit(sender, recipient, notice.asset, notice.amount, available);
        }
        _open[sender][recipient][notice.asset] = open + notice.amount;
        _owedTotal[sender] += owed;
        NoticeRecord memory record = NoticeRecord({
            notice: notice,
            postedAt: uint64(block.timestamp),
            owedWeight: owed
        });
        _notices[noticeId] = _withStatus(_recordHash(record), NoticeStatus.Open);
        emit NoticePosted(noticeId, sender, recipient, record);
    }

    /// @inheritdoc ITransfers
    function settle(NoticeRecord calldata record) external payable nonReentrant {
        Notice calldata notice = record.notice;
        bytes32 noticeId = _openNotice(record);
        AssetKind kind = _assetTerms[notice.asset].kind;
        if (kind == AssetKind.Native) {
            if (msg.value != notice.amount) revert TransfersWrongValue(msg.value, notice.amount);
        } else if (kind == AssetKind.Erc20) {
            if (msg.value != 0) revert TransfersWrongValue(msg.value, 0);
        } else {
            revert TransfersWrongSettlement(notice.asset, kind);
        }
        _close(noticeId, record, NoticeStatus.Settled);
        _duties[notice.sender].settled += 1;
        emit NoticeSettled(noticeId, notice.sender, notice.recipient, bytes32(0));
        // The payment is the settlement: the deposit address receives the amount in this call (after the books).
        if (kind == AssetKind.Native) {
            (bool ok, ) = notice.depositAddress.call{value: notice.amount}("");
            if (!ok) revert TransfersNativeSendFailed(notice.depositAddress);
        } else {
            IERC20(_REGISTRY.assetToken(notice.asset)).safeTransferFrom(
                msg.sender,
                notice.depositAddress,
                notice.amount
            );
        }
    }

    /// @inheritdoc ITransfers
    function attestSettlement(NoticeRecord calldata record, bytes32 txRef, bytes calldata signatures) external {
        Notice calldata notice = record.notice;
        bytes32 noticeId = _openNotice(record);
        AssetKind kind = _assetTerms[notice.asset].kind;
        if (kind != AssetKind.OffChain) revert TransfersWrongSettlement(notice.asset, kind);
        if (txRef == bytes32(0)) revert TransfersNoTransaction();
        bytes32 used = _txUsed[txRef];
        if (used != bytes32(0)) revert TransfersTransactionUsed(txRef, used);
        QuorumVerdicts.Tally memory t = QuorumVerdicts.tally(
            settlementDigest(record, txRef),
            notice.sender,
            record.postedAt,
            signatures,
            _STAKE,
            _LEDGER
        );
        if (t.refused != address(0)) revert TransfersNotCoSigner(t.refused);
        if (!QuorumVerdicts.reached(t))
            revert TransfersQuorumNotReached(t.weight, t.quorumWeight, t.count, t.minSigners);
        _txUsed[txRef] = noticeId;
        _close(noticeId, record, NoticeStatus.Settled);
        _duties[notice.sender].settled += 1;
        emit NoticeSettled(noticeId, notice.sender, notice.recipient, txRef);
    }

    /// @inheritdoc ITransfers
    function reportDefault(NoticeRecord calldata record) external nonReentrant returns (uint256 weightSlashed) {
        Notice calldata notice = record.notice;
        bytes32 noticeId = _openNotice(record);
        if (block.timestamp <= notice.settleBy) revert TransfersBeforeSettleBy(notice.settleBy);
        address adjudicator_ = _adjudicator;
        if (adjudicator_ == address(0)) revert TransfersNoAdjudicator();
        uint256 owed = _close(noticeId, record, NoticeStatus.Defaulted);
        _duties[notice.sender].defaulted += 1;
        weightSlashed = IAdjudicator(adjudicator_).slashTransferDefault(
            notice.sender,
            noticeId,
            owed,
            notice.recipient
        );
        emit NoticeDefaulted(noticeId, notice.sender, notice.recipient, owed, weightSlashed, msg.sender);
    }

    /// @inheritdoc ITransfers
    function setOwnLimit(address sender, uint32 asset, bool set, uint128 limit) external {
        if (!_REGISTRY.statusOf(msg.sender).isEnrolled()) revert TransfersNotMember(msg.sender);
        _own[msg.sender][sender][asset] = OwnLimit({set: set, limit: set ? limit : 0});
        emit OwnLimitSet(msg.sender, sender, asset, set, set ? limit : 0);
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc ITransfers
    function setParams(Params calldata params_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(params_);
    }

    /// @inheritdoc ITransfers
    function setAssetTerms(uint32 asset, AssetTerms calldata terms) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address token = _REGISTRY.assetToken(asset);
        if (
            (terms.kind != AssetKind.None && terms.weight == 0) ||
            (terms.kind == AssetKind.Native && token != address(0)) ||
            (terms.kind == AssetKind.Erc20 && token == address(0))
        ) revert TransfersBadAssetTerms(asset);
        _assetTerms[asset] = terms;
        emit AssetTermsSet(asset, terms.kind, terms.weight);
    }

    /// @inheritdoc ITransfers
    function setAdjudicator(address adjudicator_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (adjudicator_ == address(0)) revert TransfersZeroAddress();
        if (_adjudicator != address(0)) revert TransfersAdjudicatorAlreadySet();
        _adjudicator = adjudicator_;
        emit AdjudicatorSet(adjudicator_);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ITransfers
    function noticeIdOf(address sender, uint64 nonce) public pure returns (bytes32) {
        return keccak256(abi.encode(sender, nonce));
    }

    /// @inheritdoc ITransfers
    function noticeDigest(Notice calldata n) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        NOTICE_TYPEHASH,
                        n.sender,
                        n.recipient,
                        n.asset,
                        n.amount,
                        n.depositAddress,
                        n.settleBy,
                        n.nonce,
                        n.payloadDigest
                    )
                )
            );
    }

    /// @inheritdoc ITransfers
    function settlementDigest(NoticeRecord calldata record, bytes32 txRef) public view returns (bytes32) {
        bytes32 noticeId = noticeIdOf(record.notice.sender, record.notice.nonce);
        return _hashTypedDataV4(keccak256(abi.encode(SETTLEMENT_TYPEHASH, noticeId, _recordHash(record), txRef)));
    }

    /// @inheritdoc ITransfers
    function depositAddressDigest(
        address member,
        uint32 asset,
        address depositAddress,
        uint64 deadline
    ) public view returns (bytes32) {
        return
            _hashTypedDataV4(keccak256(abi.encode(DEPOSIT_ADDRESS_TYPEHASH, member, asset, depositAddress, deadline)));
    }

    /// @inheritdoc ITransfers
    function noticeStatusOf(NoticeRecord calldata record) external view returns (NoticeStatus) {
        return _statusOf(noticeIdOf(record.notice.sender, record.notice.nonce), record);
    }

    /// @inheritdoc ITransfers
    function depositAddressOwner(uint32 asset, address depositAddress) external view returns (address) {
        return _depositOwners[asset][depositAddress];
    }

    /// @inheritdoc ITransfers
    function creditOf(
        address sender,
        address recipient,
        uint32 asset
    ) external view returns (uint256 available, uint256 outstanding) {
        AssetTerms memory terms = _assetTerms[asset];
        if (terms.kind == AssetKind.None) return (0, _open[sender][recipient][asset]);
        return _creditOf(sender, recipient, asset, terms);
    }

    /// @inheritdoc ITransfers
    function creditWeightOf(address sender) public view returns (uint256 limit, uint256 owed) {
        owed = _owedTotal[sender];
        if (!_REGISTRY.canSendZeroConf(sender)) return (0, owed);
        Params memory p = _params;
        limit = Math.mulDiv(_STAKE.stakeOf(sender), p.creditBps, Constants.BPS);
        IReputation.Parts memory parts = _REPUTATION.partsOf(sender);
        // The duty record (met / total, all met when there is none) and the slash factor lower the collateral term.
        uint256 missedBps =
            parts.weightedTotal == 0
                ? 0
                : Constants.BPS - Math.mulDiv(parts.weightedMet, Constants.BPS, parts.weightedTotal);
        limit = Math.mulDiv(
            limit,
            Constants.BPS - Math.mulDiv(missedBps, p.reputationBps, Constants.BPS),
            Constants.BPS
        );
        limit = Math.mulDiv(limit, parts.slashFactor, _WEIGHT_UNIT);
    }

    /// @inheritdoc ITransfers
    function owedWeightOf(uint32 asset, uint256 amount) external view returns (uint256) {
        return _owedWeight(_assetTerms[asset], amount);
    }

    /// @inheritdoc ITransfers
    function ownLimitOf(address recipient, address sender, uint32 asset) external view returns (OwnLimit memory) {
        return _own[recipient][sender][asset];
    }

    /// @inheritdoc ITransfers
    function dutiesOf(address sender) external view returns (Duties memory) {
        return _duties[sender];
    }

    /// @inheritdoc ITransfers
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc ITransfers
    function assetTerms(uint32 asset) external view returns (AssetTerms memory) {
        return _assetTerms[asset];
    }

    /// @inheritdoc ITransfers
    function adjudicator() external view returns (address) {
        return _adjudicator;
    }

    // ------------------------------------------------------------------ internals

    /// @dev The asset amount the sender's remaining weight covers (value plus penalty), capped by the recipient's own
    /// limit less what is open to it.
    function _creditOf(
        address sender,
        address recipient,
        uint32 asset,
        AssetTerms memory terms
    ) private view returns (uint256 available, uint256 outstanding) {
        outstanding = _open[sender][recipient][asset];
        (uint256 limit, uint256 owed) = creditWeightOf(sender);
        uint256 freeWeight = limit > owed ? limit - owed : 0;
        available = Math.mulDiv(
            freeWeight,
            _WEIGHT_UNIT * Constants.BPS,
            terms.weight * (Constants.BPS + _params.penaltyBps)
        );
        OwnLimit memory own = _own[recipient][sender][asset];
        if (own.set) {
            uint256 left = own.limit > outstanding ? own.limit - outstanding : 0;
            if (left < available) available = left;
        }
    }

    function _owedWeight(AssetTerms memory terms, uint256 amount) private view returns (uint256) {
        return
            Math.mulDiv(
                amount,
                terms.weight * (Constants.BPS + _params.penaltyBps),
                _WEIGHT_UNIT * Constants.BPS,
                Math.Rounding.Ceil
            );
    }

    /// @dev Settle-by within the governance window, which itself fits the unbonding delay with the report window.
    function _checkSettleBy(uint64 settleBy) private view {
        Params memory p = _params;
        uint64 unbonding = _REGISTRY.unbondingDelay();
        if (p.maxSettleWindow + p.reportWindow > unbonding) {
            revert TransfersWindowBeyondUnbonding(p.maxSettleWindow + p.reportWindow, unbonding);
        }
        uint64 earliest = uint64(block.timestamp) + p.minSettleWindow;
        uint64 latest = uint64(block.timestamp) + p.maxSettleWindow;
        if (settleBy < earliest || settleBy > latest) revert TransfersBadSettleBy(settleBy, earliest, latest);
    }

    /// @dev The id of `record`, which must be posted and open.
    function _openNotice(NoticeRecord calldata record) private view returns (bytes32 noticeId) {
        noticeId = noticeIdOf(record.notice.sender, record.notice.nonce);
        NoticeStatus status = _statusOf(noticeId, record);
        if (status == NoticeStatus.None) revert TransfersUnknownNotice(noticeId);
        if (status != NoticeStatus.Open) revert TransfersNotOpen(noticeId, status);
    }

    /// @dev Marks the notice closed and frees the sender's credit: exactly the weight the notice added at posting
    /// (`record.owedWeight`, bound by the record hash), so a re-weighting meanwhile neither frees another open
    /// notice's credit nor leaves phantom debt. Returns the weight the notice owes now (value plus penalty at the
    /// asset's terms now: what a default slashes).
    function _close(
        bytes32 noticeId,
        NoticeRecord calldata record,
        NoticeStatus status
    ) private returns (uint256 owed) {
        Notice calldata n = record.notice;
        _notices[noticeId] = _withStatus(_recordHash(record), status);
        owed = _owedWeight(_assetTerms[n.asset], n.amount);
        _owedTotal[n.sender] -= record.owedWeight;
        _open[n.sender][n.recipient][n.asset] -= n.amount;
    }

    function _statusOf(bytes32 noticeId, NoticeRecord calldata record) private view returns (NoticeStatus) {
        uint256 word = _notices[noticeId];
        if (word == 0 || (word >> _STATUS_BITS) != (uint256(_recordHash(record)) >> _STATUS_BITS)) {
            return NoticeStatus.None;
        }
        return NoticeStatus(word & ((1 << _STATUS_BITS) - 1));
    }

    function _recordHash(NoticeRecord memory record) private pure returns (bytes32) {
        return keccak256(abi.encode(record));
    }

    function _withStatus(bytes32 hash, NoticeStatus status) private pure returns (uint256) {
        return ((uint256(hash) >> _STATUS_BITS) << _STATUS_BITS) | uint256(status);
    }

    function _setParams(Params memory p) private {
        if (
            p.maxSettleWindow == 0 ||
            p.minSettleWindow > p.maxSettleWindow ||
            p.reportWindow == 0 ||
            p.penaltyBps > Constants.BPS ||
            p.creditBps > Constants.BPS ||
            p.reputationBps > Constants.BPS
        ) revert TransfersBadParams();
        _params = p;
        emit ParamsSet(p);
    }
}
