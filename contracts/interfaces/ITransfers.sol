// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ITransfers
/// @notice 0-confirmation transfers between members (issue 15): a sender posts an EIP-712 signed notice (its payload
/// on the DA layer, the digest here), the recipient may credit its customer at once within the sender's credit limit,
/// and the sender settles by the notice's settle-by time (through this contract for assets on this chain, by an
/// operators' quorum verdict naming the transaction for assets elsewhere) or is slashed through the adjudicator into
/// its restitution pool, from which the recipient member is paid once the unbonding delay after posting has passed
/// and the claims against the sender have had their turn (`payDefault`).
interface ITransfers {
    /// @notice How an asset settles. `None`: not enabled for transfers.
    enum AssetKind {
        None,
        Native,
        Erc20,
        OffChain
    }

    /// @notice A notice's state. Each notice ends settled or defaulted, once; a defaulted one is `Paid` once its
    /// recipient's payout went out.
    enum NoticeStatus {
        None,
        Open,
        Settled,
        Defaulted,
        Paid
    }

    /// @notice What the sender signs (EIP-712 `Notice`).
    /// @param sender The sending member (signs the notice; slashed on default).
    /// @param recipient The receiving member.
    /// @param asset The registry's asset id.
    /// @param amount Base units of the asset.
    /// @param depositAddress One of the recipient's registered deposit addresses for the asset.
    /// @param settleBy The time by which the sender settles.
    /// @param nonce Used once per sender.
    /// @param payloadDigest keccak256 of the notice payload on the DA layer (the blob store's digest).
    struct Notice {
        address sender;
        address recipient;
        uint32 asset;
        uint128 amount;
        address depositAddress;
        uint64 settleBy;
        uint64 nonce;
        bytes32 payloadDigest;
    }

    /// @notice A posted notice as this contract stores its hash (the `NoticePosted` event carries it).
    /// @param owedWeight What the notice owes, fixed at posting (value plus penalty at the asset's terms then): added
    /// to the sender's owed total, subtracted exactly at closing whatever governance re-weighted meanwhile, slashed on
    /// a default and paid to the recipient from the slash.
    struct NoticeRecord {
        Notice notice;
        uint64 postedAt;
        uint256 owedWeight;
    }

    /// @notice Governance's parameters.
    /// @param minSettleWindow The shortest time between posting and settle-by.
    /// @param maxSettleWindow The longest time between posting and settle-by.
    /// @param reportWindow How long after settle-by a default stays guaranteed slashable: maxSettleWindow +
    /// reportWindow may not exceed the registry's unbonding delay (checked when the parameters are set; governance
    /// keeps the registry's delay at least that).
    /// @param penaltyBps Slashed on a default on top of the unsettled value (basis points of it).
    /// @param creditBps Outstanding value a sender may have, in basis points of its stake weight.
    /// @param reputationBps How far a sender's duty record lowers its credit: at a record of all misses the limit is
    /// (10000 - reputationBps) / 10000 of the collateral term.
    struct Params {
        uint64 minSettleWindow;
        uint64 maxSettleWindow;
        uint64 reportWindow;
        uint16 penaltyBps;
        uint16 creditBps;
        uint16 reputationBps;
    }

    /// @notice Governance's terms of one asset.
    /// @param kind How it settles.
    /// @param weight Stake weight of one base unit, 1e18 = one weight unit (the stake source's governance unit).
    struct AssetTerms {
        AssetKind kind;
        uint128 weight;
    }

    /// @notice A sender's transfer duties (Reputation counts them).
    struct Duties {
        uint32 settled;
        uint32 defaulted;
    }

    /// @notice A defaulted notice's payout when it is not simply its owed weight by the report window: the weight its
    /// slash could take (less than owed when the stake ran out), or a report after the report window.
    /// @param due Stake weight the recipient is paid at most.
    /// @param orderedAt When the slash was ordered (the payout waits for the sender's slashes ordered by then).
    /// @param booked Whether this entry applies (otherwise the payout is `owedWeight`, waiting for the slashes
    /// ordered by its payable time).
    struct Payout {
        uint128 due;
        uint64 orderedAt;
        bool booked;
    }

    /// @notice A recipient's own limit for one sender and asset.
    struct OwnLimit {
        bool set;
        uint128 limit;
    }

    error TransfersZeroAddress();
    error TransfersBadParams();
    error TransfersNotMember(address account);
    error TransfersSenderCannotSend(address sender);
    error TransfersSelfTransfer(address member);
    error TransfersAssetNotEnabled(uint32 asset);
    error TransfersBadAssetTerms(uint32 asset);
    error TransfersZeroAmount();
    error TransfersUnknownDepositAddress(address recipient, uint32 asset, address depositAddress);
    error TransfersDepositAddressTaken(address depositAddress, uint32 asset, address member);
    error TransfersSignatureExpired(uint64 deadline);
    error TransfersBadSignature(address signer);
    error TransfersBadSettleBy(uint64 settleBy, uint64 earliest, uint64 latest);
    error TransfersWindowBeyondUnbonding(uint64 window, uint64 unbondingDelay);
    error TransfersNonceUsed(address sender, uint64 nonce);
    error TransfersNoPayload();
    error TransfersOverLimit(address sender, address recipient, uint32 asset, uint256 amount, uint256 available);
    error TransfersUnknownNotice(bytes32 noticeId);
    error TransfersNotOpen(bytes32 noticeId, NoticeStatus status);
    error TransfersWrongSettlement(uint32 asset, AssetKind kind);
    error TransfersWrongValue(uint256 sent, uint256 expected);
    error TransfersNativeSendFailed(address to);
    error TransfersNoTransaction();
    error TransfersTransactionUsed(bytes32 txRef, bytes32 noticeId);
    error TransfersBeforeSettleBy(uint64 settleBy);
    error TransfersNotCoSigner(address signer);
    error TransfersQuorumNotReached(uint256 weight, uint256 quorumWeight, uint256 signers, uint256 minSigners);
    error TransfersAdjudicatorAlreadySet();
    error TransfersNoAdjudicator();
    error TransfersNotDefaulted(bytes32 noticeId, NoticeStatus status);
    error TransfersPayoutNotDue(bytes32 noticeId, uint64 payableAt);
    error TransfersAwaitingSlashedFunds(address sender, uint256 pending);
    error TransfersNotRecipient(address caller, address recipient);
    error TransfersNothingHeld(address recipient, address token);
    error TransfersNothingToPay(bytes32 noticeId);

    event DepositAddressRegistered(address indexed member, uint32 indexed asset, address depositAddress);
    event DepositAddressRemoved(address indexed member, uint32 indexed asset, address depositAddress);
    event NoticePosted(
        bytes32 indexed noticeId,
        address indexed sender,
        address indexed recipient,
        NoticeRecord record
    );
    event NoticeSettled(bytes32 indexed noticeId, address indexed sender, address indexed recipient, bytes32 txRef);
    event NoticeDefaulted(
        bytes32 indexed noticeId,
        address indexed sender,
        address indexed recipient,
        uint256 weightDue,
        uint256 weightSlashed,
        address reporter
    );
    /// @notice A defaulted notice's payout went to `to`: `weightPaid` of the `weightDue` (less when the claims
    /// against the sender took part of its pool first).
    event DefaultPaid(
        bytes32 indexed noticeId,
        address indexed recipient,
        address to,
        uint256 weightDue,
        uint256 weightPaid
    );
    /// @notice A settlement's payment could not be pushed to the deposit address (it refused ether, or the token
    /// refused the transfer): the notice is settled and the amount is held here for the recipient (`withdrawHeld`).
    event PaymentHeld(bytes32 indexed noticeId, address indexed recipient, address token, uint256 amount);
    event HeldWithdrawn(address indexed recipient, address token, address to, uint256 amount);
    /// @notice The sender's credit factor (its reputation's haircut, 1e9 = none) was recomputed.
    event CreditRefreshed(address indexed sender, uint32 factor);
    event OwnLimitSet(address indexed recipient, address indexed sender, uint32 indexed asset, bool set, uint128 limit);
    event ParamsSet(Params params);
    event AssetTermsSet(uint32 indexed asset, AssetKind kind, uint256 weight);
    event AdjudicatorSet(address adjudicator);

    /// @notice Registers `depositAddress` as where the caller (an operating member) receives `asset`; `signature` is
    /// the address's EIP-712 `DepositAddress` signature (ownership, as for reserve wallets), valid until `deadline`.
    function registerDepositAddress(
        uint32 asset,
        address depositAddress,
        uint64 deadline,
        bytes calldata signature
    ) external;

    /// @notice Removes a deposit address: its owner, or anyone once the owner has left the consortium (open notices to
    /// it still settle there).
    function removeDepositAddress(uint32 asset, address depositAddress) external;

    /// @notice Posts `notice` with the sender's EIP-712 signature (anyone may relay it; the sender posting itself
    /// passes an empty one). Refused beyond the credit limit, for a used nonce, an unregistered deposit address, or a
    /// settle-by outside the governance window.
    function postNotice(Notice calldata notice, bytes calldata signature) external returns (bytes32 noticeId);

    /// @notice Settles an open notice of a Native or Erc20 asset: moves `amount` (msg.value, or the caller's tokens
    /// by allowance) to the notice's deposit address in the same call. Anyone may pay; late payment still settles
    /// until a default is reported. When the deposit address refuses the payment, the amount is held here for the
    /// recipient (`PaymentHeld`, `withdrawHeld`) and the notice is settled all the same.
    function settle(NoticeRecord calldata record) external payable;

    /// @notice Settles an open notice of an OffChain asset by the operators' quorum verdict (EIP-712
    /// `TransferSettlement`) naming `txRef`, the transaction that paid it; one transaction settles one notice.
    function attestSettlement(NoticeRecord calldata record, bytes32 txRef, bytes calldata signatures) external;

    /// @notice Anyone, after settle-by: reports the open notice as defaulted; the sender is slashed at least the
    /// notice's owed weight (value plus penalty, fixed at posting) into its restitution pool, from which the recipient
    /// is paid it once the unbonding delay after posting has passed (`payDefault`).
    function reportDefault(NoticeRecord calldata record) external returns (uint256 weightSlashed);

    /// @notice Pays a defaulted notice's owed weight to `to` once the registry's unbonding delay after its posting has
    /// passed: anyone may pay it to the recipient, the recipient to any address. Paid in the same share of each token
    /// the sender's pool holds, after the claims against the sender (see `IAdjudicator.releaseTransferPayout`); reverts
    /// `TransfersAwaitingSlashedFunds` while slashed funds have not reached the pool (EigenLayer's clearing).
    /// @return weightPaid The stake weight paid.
    function payDefault(NoticeRecord calldata record, address to) external returns (uint256 weightPaid);

    /// @notice The caller (a recipient) withdraws what settlements held for it in `token` (address(0): ether).
    function withdrawHeld(address token, address to) external returns (uint256 amount);

    /// @notice Anyone: recomputes `sender`'s credit factor from its reputation now (postNotice does when the cached
    /// one is older than `CREDIT_FACTOR_TTL`, and a default clears it).
    function refreshCredit(address sender) external;

    /// @notice The caller (a recipient) sets or clears its own lower limit for `sender` and `asset`.
    function setOwnLimit(address sender, uint32 asset, bool set, uint128 limit) external;

    /// @notice Governance.
    function setParams(Params calldata params_) external;

    /// @notice Governance.
    function setAssetTerms(uint32 asset, AssetTerms calldata terms) external;

    /// @notice Governance, once: the adjudicator that slashes defaults.
    function setAdjudicator(address adjudicator_) external;

    /// @notice keccak256(sender, nonce).
    function noticeIdOf(address sender, uint64 nonce) external pure returns (bytes32);

    /// @notice The EIP-712 digest the sender signs.
    function noticeDigest(Notice calldata notice) external view returns (bytes32);

    /// @notice The EIP-712 digest operators sign for an off-chain settlement.
    function settlementDigest(NoticeRecord calldata record, bytes32 txRef) external view returns (bytes32);

    /// @notice The EIP-712 digest a deposit address signs.
    function depositAddressDigest(
        address member,
        uint32 asset,
        address depositAddress,
        uint64 deadline
    ) external view returns (bytes32);

    /// @notice The status of `record` (None if it is not what was posted).
    function noticeStatusOf(NoticeRecord calldata record) external view returns (NoticeStatus);

    /// @notice The owner of a deposit address for `asset` (zero if none).
    function depositAddressOwner(uint32 asset, address depositAddress) external view returns (address);

    /// @notice How much of `asset` `sender` may still post to `recipient` now, and what it has outstanding to it.
    function creditOf(
        address sender,
        address recipient,
        uint32 asset
    ) external view returns (uint256 available, uint256 outstanding);

    /// @notice The sender's credit in stake weight: its limit and what its open notices owe (value plus penalty). The
    /// limit is `creditBps` of its stake now times its credit factor: the cached one while fresh, else computed now.
    function creditWeightOf(address sender) external view returns (uint256 limit, uint256 owed);

    /// @notice The weight an open notice owes on default (value at the asset's weight, plus the penalty).
    function owedWeightOf(uint32 asset, uint256 amount) external view returns (uint256);

    /// @notice A defaulted notice's booked payout (`booked` false: the payout is its owed weight).
    function payoutOf(bytes32 noticeId) external view returns (Payout memory);

    /// @notice What settlements hold for `recipient` in `token` (address(0): ether).
    function heldOf(address recipient, address token) external view returns (uint256);

    /// @notice The sender's cached credit factor (1e9 = no haircut) and when it was computed (zero: never, or cleared).
    function creditFactorOf(address sender) external view returns (uint32 factor, uint40 computedAt);

    function ownLimitOf(address recipient, address sender, uint32 asset) external view returns (OwnLimit memory);

    function dutiesOf(address sender) external view returns (Duties memory);

    function params() external view returns (Params memory);

    function assetTerms(uint32 asset) external view returns (AssetTerms memory);

    function adjudicator() external view returns (address);
}
