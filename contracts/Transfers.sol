// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

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
/// @dev Storage per notice: one slot, the keccak256 of its `NoticeRecord` with the low three bits holding the status
/// (the record is in `NoticePosted`); per sender: one slot (the weight its open
/// notices owe, its duties, its cached credit factor); per (sender, recipient, asset): one slot (the open amount and
/// the recipient's own limit). A sender's stake stays slashable for every open notice: settle-by is at most
/// `maxSettleWindow` after posting and `maxSettleWindow + reportWindow` may not exceed the registry's unbonding delay,
/// so collateral a sender asks to withdraw (or an exit it requests) after posting is still there `reportWindow` after
/// settle-by; credit counts only the stake not already pending withdrawal (`stakeOf`). A default's slash waits in the
/// sender's restitution pool until the unbonding delay after posting, so a default moves collateral to a colluding
/// recipient no sooner than a withdrawal would, and the claims against the sender are served first.
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

    /// @notice How long a computed credit factor serves postNotice before it is recomputed.
    uint64 public constant CREDIT_FACTOR_TTL = 1 hours;

    uint256 private constant _STATUS_BITS = 3;
    uint256 private constant _WEIGHT_UNIT = 1e18;
    uint256 private constant _FACTOR_UNIT = 1e9;

    /// @dev One sender's books in one slot: the weight its open notices owe, its duties, its credit factor cache.
    struct SenderBook {
        uint112 owed;
        uint32 settled;
        uint32 defaulted;
        uint32 factor;
        uint40 factorAt;
    }

    /// @dev One (sender, recipient, asset) in one slot: the open amount and the recipient's own limit, stored as
    /// `type(uint128).max - limit` so that zero (never set) reads as no limit.
    struct Pair {
        uint128 open;
        uint128 capComplement;
    }

    IConsortiumRegistry private immutable _REGISTRY;
    IStakeSource private immutable _STAKE;
    ICommitmentLedger private immutable _LEDGER;
    IReputation private immutable _REPUTATION;

    Params private _params;
    address private _adjudicator;
    mapping(uint32 asset => AssetTerms terms) private _assetTerms;
    mapping(uint32 asset => mapping(address depositAddress => address member)) private _depositOwners;
    mapping(bytes32 noticeId => uint256 word) private _notices;
    mapping(bytes32 noticeId => Payout payout) private _payouts;
    mapping(address sender => SenderBook book) private _books;
    mapping(address sender => mapping(address recipient => mapping(uint32 asset => Pair pair))) private _pairs;
    mapping(bytes32 txRef => bytes32 noticeId) private _txUsed;
    mapping(address recipient => mapping(address token => uint256 amount)) private _held;

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
        if (!_REGISTRY.statusOf(msg.sender).isOperating()) revert TransfersNotMember(msg.sender);
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
        address owner = _depositOwners[asset][depositAddress];
        if (owner == address(0) || (owner != msg.sender && !_REGISTRY.statusOf(owner).hasLeft())) {
            revert TransfersUnknownDepositAddress(msg.sender, asset, depositAddress);
        }
        delete _depositOwners[asset][depositAddress];
        emit DepositAddressRemoved(owner, asset, depositAddress);
    }

    // ------------------------------------------------------------------ notices

    /// @inheritdoc ITransfers
    function postNotice(Notice calldata notice, bytes calldata signature) external returns (bytes32 noticeId) {
        address sender = notice.sender;
        address recipient = notice.recipient;
        if (!_REGISTRY.canSendZeroConf(sender)) revert TransfersSenderCannotSend(sender);
        if (recipient == sender) revert TransfersSelfTransfer(sender);
        // The recipient is the deposit address's owner: an operating member when it registered it, whose addresses
        // anyone may remove once it has left.
        if (notice.amount == 0) revert TransfersZeroAmount();
        if (notice.payloadDigest == bytes32(0)) revert TransfersNoPayload();
        AssetTerms memory terms = _assetTerms[notice.asset];
        if (terms.kind == AssetKind.None) revert TransfersAssetNotEnabled(notice.asset);
        if (_depositOwners[notice.asset][notice.depositAddress] != recipient) {
            revert TransfersUnknownDepositAddress(recipient, notice.asset, notice.depositAddress);
        }
        Params memory p = _params;
        uint64 earliest = uint64(block.timestamp) + p.minSettleWindow;
        uint64 latest = uint64(block.timestamp) + p.maxSettleWindow;
        if (notice.settleBy < earliest || notice.settleBy > latest) {
            revert TransfersBadSettleBy(notice.settleBy, earliest, latest);
        }
        noticeId = noticeIdOf(sender, notice.nonce);
        if (_notices[noticeId] != 0) revert TransfersNonceUsed(sender, notice.nonce);
        // The sender posting itself needs no signature; a relayed notice carries the sender's (EOA or ERC-1271).
        if (msg.sender != sender && !SignatureChecker.isValidSignatureNow(sender, noticeDigest(notice), signature)) {
            revert TransfersBadSignature(sender);
        }
        SenderBook memory book = _books[sender];
        if (!_fresh(book)) {
            book.factor = _computeFactor(sender, p);
            book.factorAt = uint40(block.timestamp);
            emit CreditRefreshed(sender, book.factor);
        }
        Pair memory pair = _pairs[sender][recipient][notice.asset];
        uint256 available = _available(_limitOf(sender, p, book.factor), book.owed, pair, terms, p);
        if (notice.amount > available) {
            revert TransfersOverLimit(sender, recipient, notice.asset, notice.amount, available);
        }
        uint256 owed = _owedWeight(terms, p, notice.amount);
        book.owed = SafeCast.toUint112(book.owed + owed);
        _books[sender] = book;
        pair.open = SafeCast.toUint128(uint256(pair.open) + notice.amount);
        _pairs[sender][recipient][notice.asset] = pair;
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
        emit NoticeSettled(noticeId, notice.sender, notice.recipient, bytes32(0));
        // The payment is the settlement: the deposit address receives the amount in this call (after the books), or,
        // when it refuses, this contract holds it for the recipient (a refusing address cannot force a default).
        address token;
        bool pushed;
        if (kind == AssetKind.Native) {
            pushed = _trySendEth(notice.depositAddress, notice.amount);
        } else {
            token = _REGISTRY.assetToken(notice.asset);
            pushed = SafeERC20.trySafeTransferFrom(IERC20(token), msg.sender, notice.depositAddress, notice.amount);
            if (!pushed) IERC20(token).safeTransferFrom(msg.sender, address(this), notice.amount);
        }
        if (!pushed) {
            _held[notice.recipient][token] += notice.amount;
            emit PaymentHeld(noticeId, notice.recipient, token, notice.amount);
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
        emit NoticeSettled(noticeId, notice.sender, notice.recipient, txRef);
    }

    /// @inheritdoc ITransfers
    function reportDefault(NoticeRecord calldata record) external nonReentrant returns (uint256 weightSlashed) {
        Notice calldata notice = record.notice;
        bytes32 noticeId = _openNotice(record);
        if (block.timestamp <= notice.settleBy) revert TransfersBeforeSettleBy(notice.settleBy);
        address adjudicator_ = _adjudicator;
        if (adjudicator_ == address(0)) revert TransfersNoAdjudicator();
        _close(noticeId, record, NoticeStatus.Defaulted);
        weightSlashed = IAdjudicator(adjudicator_).slashTransferDefault(
            notice.sender,
            noticeId,
            record.owedWeight,
            notice.recipient
        );
        // The payout is what this default's own slash put in the pool, never more (an earlier default's slash or a
        // fraud slash's proceeds in the same pool are others'): the owed weight when the slash took it all, else what
        // it took (all that was left), or all that is owed when the stake source executes the slash later (a deferred
        // EigenLayer slash reports none yet). A short slash, or a report after the report window, is booked here with
        // the time it was ordered (the payout waits for the slashes ordered by then); an on-time full one needs none.
        uint256 due =
            weightSlashed >= record.owedWeight || (weightSlashed == 0 && _STAKE.restitutionDelay() != 0)
                ? record.owedWeight
                : weightSlashed;
        if (due != record.owedWeight || block.timestamp > notice.settleBy + _params.reportWindow) {
            _payouts[noticeId] = Payout({
                due: SafeCast.toUint128(due),
                orderedAt: uint64(block.timestamp),
                booked: true
            });
        }
        emit NoticeDefaulted(noticeId, notice.sender, notice.recipient, due, weightSlashed, msg.sender);
    }

    /// @inheritdoc ITransfers
    function payDefault(NoticeRecord calldata record, address to) external nonReentrant returns (uint256 weightPaid) {
        Notice calldata notice = record.notice;
        bytes32 noticeId = noticeIdOf(notice.sender, notice.nonce);
        NoticeStatus status = _statusOf(noticeId, record);
        if (status != NoticeStatus.Defaulted) revert TransfersNotDefaulted(noticeId, status);
        if (to == address(0)) revert TransfersZeroAddress();
        if (msg.sender != notice.recipient && to != notice.recipient) {
            revert TransfersNotRecipient(msg.sender, notice.recipient);
        }
        uint64 payableAt = record.postedAt + _REGISTRY.unbondingDelay();
        if (block.timestamp < payableAt) revert TransfersPayoutNotDue(noticeId, payableAt);
        Payout memory payout = _payouts[noticeId];
        // An on-time default was ordered within the report window, before payableAt (setParams keeps maxSettleWindow
        // + reportWindow within the unbonding delay).
        (uint256 due, uint64 orderedBy) = payout.booked
            ? (uint256(payout.due), payout.orderedAt)
            : (record.owedWeight, payableAt);
        _notices[noticeId] = _withStatus(_recordHash(record), NoticeStatus.Paid);
        // The sender's slashes ordered by the default's (its own among them) must have reached its pool; later ones
        // (a colluder's reports) do not hold the payout.
        uint256 pending = _STAKE.clearRestitution(notice.sender, orderedBy);
        if (pending != 0) revert TransfersAwaitingSlashedFunds(notice.sender, pending);
        weightPaid = IAdjudicator(_adjudicator).releaseTransferPayout(notice.sender, to, due);
        // Nothing paid (the pool weighs nothing now): the notice stays Defaulted, payable later.
        if (weightPaid == 0) revert TransfersNothingToPay(noticeId);
        emit DefaultPaid(noticeId, notice.recipient, to, due, weightPaid);
    }

    /// @inheritdoc ITransfers
    function withdrawHeld(address token, address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert TransfersZeroAddress();
        amount = _held[msg.sender][token];
        if (amount == 0) revert TransfersNothingHeld(msg.sender, token);
        delete _held[msg.sender][token];
        emit HeldWithdrawn(msg.sender, token, to, amount);
        if (token == address(0)) {
            if (!_trySendEth(to, amount)) revert TransfersNativeSendFailed(to);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }

    /// @inheritdoc ITransfers
    function refreshCredit(address sender) external {
        SenderBook storage book = _books[sender];
        uint32 factor = _computeFactor(sender, _params);
        book.factor = factor;
        book.factorAt = uint40(block.timestamp);
        emit CreditRefreshed(sender, factor);
    }

    /// @inheritdoc ITransfers
    function setOwnLimit(address sender, uint32 asset, bool set, uint128 limit) external {
        if (!_REGISTRY.statusOf(msg.sender).isEnrolled()) revert TransfersNotMember(msg.sender);
        _pairs[sender][msg.sender][asset].capComplement = set ? type(uint128).max - limit : 0;
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
        Pair memory pair = _pairs[sender][recipient][asset];
        outstanding = pair.open;
        AssetTerms memory terms = _assetTerms[asset];
        if (terms.kind == AssetKind.None) return (0, outstanding);
        (uint256 limit, uint256 owed) = creditWeightOf(sender);
        available = _available(limit, owed, pair, terms, _params);
    }

    /// @inheritdoc ITransfers
    function creditWeightOf(address sender) public view returns (uint256 limit, uint256 owed) {
        SenderBook memory book = _books[sender];
        owed = book.owed;
        if (!_REGISTRY.canSendZeroConf(sender)) return (0, owed);
        Params memory p = _params;
        limit = _limitOf(sender, p, _fresh(book) ? book.factor : _computeFactor(sender, p));
    }

    /// @inheritdoc ITransfers
    function owedWeightOf(uint32 asset, uint256 amount) external view returns (uint256) {
        return _owedWeight(_assetTerms[asset], _params, amount);
    }

    /// @inheritdoc ITransfers
    function ownLimitOf(address recipient, address sender, uint32 asset) external view returns (OwnLimit memory) {
        uint128 complement = _pairs[sender][recipient][asset].capComplement;
        return OwnLimit({set: complement != 0, limit: complement == 0 ? 0 : type(uint128).max - complement});
    }

    /// @inheritdoc ITransfers
    function dutiesOf(address sender) external view returns (Duties memory) {
        SenderBook memory book = _books[sender];
        return Duties({settled: book.settled, defaulted: book.defaulted});
    }

    /// @inheritdoc ITransfers
    function payoutOf(bytes32 noticeId) external view returns (Payout memory) {
        return _payouts[noticeId];
    }

    /// @inheritdoc ITransfers
    function heldOf(address recipient, address token) external view returns (uint256) {
        return _held[recipient][token];
    }

    /// @inheritdoc ITransfers
    function creditFactorOf(address sender) external view returns (uint32 factor, uint40 computedAt) {
        SenderBook memory book = _books[sender];
        return (book.factor, book.factorAt);
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
    function _available(
        uint256 limit,
        uint256 owed,
        Pair memory pair,
        AssetTerms memory terms,
        Params memory p
    ) private pure returns (uint256 available) {
        // freeWeight <= limit, far below 2^128.
        uint256 freeWeight = limit > owed ? limit - owed : 0;
        available =
            (freeWeight * (_WEIGHT_UNIT * Constants.BPS)) / (uint256(terms.weight) * (Constants.BPS + p.penaltyBps));
        if (pair.capComplement != 0) {
            uint256 cap = type(uint128).max - pair.capComplement;
            uint256 left = cap > pair.open ? cap - pair.open : 0;
            if (left < available) available = left;
        }
    }

    /// @dev `creditBps` of the stake the sender has now (not pending withdrawal), times its credit factor.
    function _limitOf(address sender, Params memory p, uint256 factor) private view returns (uint256) {
        // Stake weights are far below 2^128; creditBps * factor is below 2^44.
        return (_STAKE.stakeOf(sender) * p.creditBps * factor) / (Constants.BPS * _FACTOR_UNIT);
    }

    /// @dev The reputation haircut on credit, 1e9 = none: the duty record (met / total, all met when there is none)
    /// lowers it by up to `reputationBps`, the worst recent RA finding by its decayed penalty, each slash counted by
    /// the slash factor.
    function _computeFactor(address sender, Params memory p) private view returns (uint32) {
        IReputation.Parts memory parts = _REPUTATION.partsOf(sender);
        uint256 missedBps =
            parts.weightedTotal == 0
                ? 0
                : Constants.BPS - Math.mulDiv(parts.weightedMet, Constants.BPS, parts.weightedTotal);
        uint256 factor = Math.mulDiv(
            _FACTOR_UNIT,
            (Constants.BPS - Math.mulDiv(missedBps, p.reputationBps, Constants.BPS)) *
                (Constants.BPS - parts.findingsPenaltyBps),
            Constants.BPS * Constants.BPS
        );
        return uint32(Math.mulDiv(factor, parts.slashFactor, _WEIGHT_UNIT));
    }

    function _fresh(SenderBook memory book) private view returns (bool) {
        return book.factorAt != 0 && block.timestamp < uint256(book.factorAt) + CREDIT_FACTOR_TTL;
    }

    function _owedWeight(AssetTerms memory terms, Params memory p, uint256 amount) private pure returns (uint256) {
        return
            Math.mulDiv(
                amount,
                uint256(terms.weight) * (Constants.BPS + p.penaltyBps),
                _WEIGHT_UNIT * Constants.BPS,
                Math.Rounding.Ceil
            );
    }

    /// @dev The id of `record`, which must be posted and open.
    function _openNotice(NoticeRecord calldata record) private view returns (bytes32 noticeId) {
        noticeId = noticeIdOf(record.notice.sender, record.notice.nonce);
        NoticeStatus status = _statusOf(noticeId, record);
        if (status == NoticeStatus.None) revert TransfersUnknownNotice(noticeId);
        if (status != NoticeStatus.Open) revert TransfersNotOpen(noticeId, status);
    }

    /// @dev Marks the notice closed, counts the sender's duty and frees its credit: exactly the weight the notice
    /// added at posting (`record.owedWeight`, bound by the record hash), so a re-weighting meanwhile neither frees
    /// another open notice's credit nor leaves phantom debt. A default also clears the cached credit factor, so the
    /// sender's next notice is judged with the default counted.
    function _close(bytes32 noticeId, NoticeRecord calldata record, NoticeStatus status) private {
        Notice calldata n = record.notice;
        _notices[noticeId] = _withStatus(_recordHash(record), status);
        SenderBook storage book = _books[n.sender];
        book.owed -= SafeCast.toUint112(record.owedWeight);
        if (status == NoticeStatus.Settled) {
            book.settled += 1;
        } else {
            book.defaulted += 1;
            book.factorAt = 0;
        }
        _pairs[n.sender][n.recipient][n.asset].open -= n.amount;
    }

    /// @dev Sends ether without copying what the callee returns (a return bomb costs the caller nothing).
    function _trySendEth(address to, uint256 amount) private returns (bool ok) {
        assembly ("memory-safe") {
            ok := call(gas(), to, amount, 0, 0, 0, 0)
        }
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
        // Stake a sender starts withdrawing after posting stays slashable through the report window.
        uint64 unbonding = _REGISTRY.unbondingDelay();
        if (p.maxSettleWindow + p.reportWindow > unbonding) {
            revert TransfersWindowBeyondUnbonding(p.maxSettleWindow + p.reportWindow, unbonding);
        }
        _params = p;
        emit ParamsSet(p);
    }
}
