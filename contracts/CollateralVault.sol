// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {ICollateralVault} from "./interfaces/ICollateralVault.sol";
import {IStakeSource} from "./interfaces/IStakeSource.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {Constants} from "./libraries/Constants.sol";
import {MemberStatuses} from "./libraries/MemberStatuses.sol";
import {BondedStake} from "./libraries/BondedStake.sol";
import {PackedStake} from "./libraries/PackedStake.sol";

/// @title CollateralVault
/// @notice Holds the members' collateral; unbonding withdrawals; slashing by the adjudicator only.
contract CollateralVault is ICollateralVault, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using MemberStatuses for IConsortiumRegistry.MemberStatus;
    using BondedStake for BondedStake.Book;

    /// @notice Most collateral tokens the vault accepts (bounds the loops of stakeOf and slash).
    uint256 public constant MAX_TOKENS = 16;

    uint256 private constant _WEIGHT_UNIT = 1e18;

    /// @dev One member's holding of one token; balance and pending share a slot so a slash writes it once. The second
    /// slot holds the member's restitution pool in the token; `opened` (set at the first deposit) keeps that slot
    /// non-zero, so a slash never pays for a fresh slot on the fraud proof's path.
    struct Position {
        uint128 balance;
        uint128 pending;
        uint64 executableAt;
        uint128 restitution;
        bool opened;
    }

    /// @dev Per-token totals, none of them written by a slash without pending withdrawals (member balances and
    /// restitution pools are per member; their sums are the invariant tests' to check).
    struct Totals {
        uint128 pending;
        uint128 withdrawn;
        uint128 deposited;
        uint128 unclaimedBounty;
        uint128 released;
    }

    /// @dev A collateral token and its weight, one slot (slashing reads the list).
    struct TokenInfo {
        address token;
        uint96 weight;
    }

    /// @dev Governance values read together, in one slot (a slash reads it once: the slasher, the share and the
    /// token count).
    struct Config {
        address adjudicator;
        uint24 weightEpoch;
        uint16 bountyShareBps;
        uint8 tokenCount;
    }

    IConsortiumRegistry private immutable _REGISTRY;

    mapping(address member => mapping(address token => Position position)) private _positions;
    mapping(address recipient => mapping(address token => uint256 amount)) private _bounties;
    /// @dev One plus the token's index in `_tokenList`; zero for a token never listed.
    mapping(address token => uint256 indexPlusOne) private _tokenIndex;
    mapping(address token => Totals totals) private _totals;
    /// @dev Members' cached stake weights, what the quorum reads with them, their time integrals and checkpoints.
    BondedStake.Book private _book;
    TokenInfo[MAX_TOKENS] private _tokenList;
    Config private _config;

    /// @param admin Governance (DEFAULT_ADMIN_ROLE).
    /// @param registry_ The consortium registry.
    /// @param ethWeight Weight of ETH (1e18 = one wei counts one weight unit); 0 disables ETH deposits.
    /// @param bountyShareBps_ Share of each slash paid to the bounty recipient, in basis points.
    constructor(address admin, address registry_, uint256 ethWeight, uint16 bountyShareBps_) {
        if (admin == address(0) || registry_ == address(0)) revert CollateralVaultZeroAddress();
        if (bountyShareBps_ > Constants.BPS) revert CollateralVaultInvalidBps(bountyShareBps_);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _REGISTRY = IConsortiumRegistry(registry_);
        _setTokenWeight(address(0), ethWeight);
        _config.bountyShareBps = bountyShareBps_;
        emit BountyShareSet(bountyShareBps_);
    }

    modifier onlyAdjudicator() {
        if (msg.sender != _config.adjudicator) revert CollateralVaultNotAdjudicator(msg.sender);
        _;
    }

    // ------------------------------------------------------------------ member operations

    /// @inheritdoc ICollateralVault
    function deposit(address member, address token, uint256 amount) external payable nonReentrant {
        if (amount == 0) revert CollateralVaultZeroAmount();
        if (_weightOf(token) == 0) revert CollateralVaultTokenNotApproved(token);
        if (!_REGISTRY.statusOf(member).isEnrolled()) revert CollateralVaultNotMember(member);
        uint256 received;
        if (token == address(0)) {
            if (msg.value != amount) revert CollateralVaultValueMismatch(amount, msg.value);
            received = amount;
        } else {
            if (msg.value != 0) revert CollateralVaultValueMismatch(amount, msg.value);
            IERC20 erc20 = IERC20(token);
            uint256 before = erc20.balanceOf(address(this));
            erc20.safeTransferFrom(msg.sender, address(this), amount);
            received = erc20.balanceOf(address(this)) - before;
            if (received == 0) revert CollateralVaultZeroAmount();
        }
        uint128 credited = SafeCast.toUint128(received);
        Position storage position = _positions[member][token];
        position.balance += credited;
        if (!position.opened) position.opened = true;
        _totals[token].deposited += credited;
        _cacheStake(member, _stakeOf(member), 0);
        emit CollateralDeposited(member, token, msg.sender, received);
    }

    /// @inheritdoc ICollateralVault
    function requestWithdrawal(address token, uint256 amount) external nonReentrant {
        if (amount == 0) revert CollateralVaultZeroAmount();
        Position storage position = _positions[msg.sender][token];
        uint256 balance = position.balance;
        if (balance < amount) revert CollateralVaultInsufficientBalance(msg.sender, token, balance, amount);
        // amount <= balance < 2^128, so the casts below are exact.
        position.balance = uint128(balance - amount);
        uint256 stakeAfter = _stakeOf(msg.sender);
        if (_REGISTRY.statusOf(msg.sender) == IConsortiumRegistry.MemberStatus.Active) {
            uint256 minimum = _REGISTRY.slaOf(msg.sender).minCollateral;
            if (stakeAfter < minimum) revert CollateralVaultBelowMinimum(msg.sender, stakeAfter, minimum);
        }
        _cacheStake(msg.sender, stakeAfter, 0);
        uint128 pendingTotal = position.pending + uint128(amount);
        uint64 executableAt = uint64(block.timestamp) + _REGISTRY.unbondingDelay();
        position.pending = pendingTotal;
        position.executableAt = executableAt;
        _totals[token].pending += uint128(amount);
        emit WithdrawalRequested(msg.sender, token, amount, pendingTotal, executableAt);
    }

    /// @inheritdoc ICollateralVault
    function cancelWithdrawal(address token) external nonReentrant {
        Position storage position = _positions[msg.sender][token];
        uint128 amount = position.pending;
        if (amount == 0) revert CollateralVaultNoPendingWithdrawal(msg.sender, token);
        position.pending = 0;
        position.executableAt = 0;
        position.balance += amount;
        _totals[token].pending -= amount;
        _cacheStake(msg.sender, _stakeOf(msg.sender), 0);
        emit WithdrawalCancelled(msg.sender, token, amount);
    }

    /// @inheritdoc ICollateralVault
    function withdraw(address token) external nonReentrant {
        Position storage position = _positions[msg.sender][token];
        uint128 amount = position.pending;
        if (amount == 0) revert CollateralVaultNoPendingWithdrawal(msg.sender, token);
        if (block.timestamp < position.executableAt) {
            revert CollateralVaultWithdrawalLocked(msg.sender, token, position.executableAt);
        }
        position.pending = 0;
        position.executableAt = 0;
        Totals storage totals_ = _totals[token];
        totals_.pending -= amount;
        totals_.withdrawn += amount;
        emit CollateralWithdrawn(msg.sender, token, amount);
        _send(token, msg.sender, amount);
    }

    // ------------------------------------------------------------------ slashing

    /// @inheritdoc IStakeSource
    function slash(
        address member,
        uint16 bps,
        address bountyRecipient
    ) external nonReentrant returns (uint256 weightSlashed) {
        if (bps == 0 || bps > Constants.BPS) revert CollateralVaultInvalidBps(bps);
        uint256 share;
        uint256 count;
        {
            // The adjudicator check of `onlyAdjudicator`, inline: the slash reads the whole config slot once.
            Config memory config = _config;
            if (msg.sender != config.adjudicator) revert CollateralVaultNotAdjudicator(msg.sender);
            share = bountyRecipient == address(0) ? 0 : config.bountyShareBps;
            count = config.tokenCount;
        }
        uint256 remaining = 0;
        for (uint256 i = 0; i < count; ++i) {
            TokenInfo memory info = _tokenList[i];
            (uint256 taken, uint256 balanceAfter) = _slashToken(member, info.token, bps, share, bountyRecipient);
            if (taken != 0) weightSlashed += (taken * info.weight) / _WEIGHT_UNIT;
            if (balanceAfter != 0) remaining += (balanceAfter * info.weight) / _WEIGHT_UNIT;
        }
        _cacheStake(member, remaining, 1);
    }

    /// @inheritdoc IStakeSource
    function countSlash(address member) external onlyAdjudicator {
        _book.countSlash(member);
    }

    /// @inheritdoc IStakeSource
    function releaseRestitution(
        address member,
        address token,
        address to,
        uint256 amount
    ) external onlyAdjudicator nonReentrant {
        if (to == address(0)) revert CollateralVaultZeroAddress();
        if (amount == 0) revert CollateralVaultZeroAmount();
        Position storage position = _positions[member][token];
        uint256 held = position.restitution;
        if (held < amount) revert CollateralVaultRestitutionShort(member, token, held, amount);
        // amount <= held < 2^128.
        position.restitution = uint128(held - amount);
        _totals[token].released += uint128(amount);
        emit RestitutionReleased(member, token, to, amount);
        _send(token, to, amount);
    }

    /// @inheritdoc IStakeSource
    /// @dev A slash puts the funds in the pool at once: nothing is ever pending.
    function clearRestitution(address, uint64) external pure returns (uint256 pending) {
        return 0;
    }

    /// @inheritdoc IStakeSource
    function restitutionDelay() external pure returns (uint64) {
        return 0;
    }

    /// @inheritdoc ICollateralVault
    function claimBounty(address token) external nonReentrant {
        uint256 amount = _bounties[msg.sender][token];
        if (amount == 0) revert CollateralVaultNoBounty(msg.sender, token);
        delete _bounties[msg.sender][token];
        _totals[token].unclaimedBounty -= uint128(amount);
        emit BountyClaimed(msg.sender, token, amount);
        _send(token, msg.sender, amount);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IStakeSource
    function stakeOf(address member) external view returns (uint256 weight) {
        PackedStake stake = _book.stakes[member];
        return stake.epoch() == _config.weightEpoch ? stake.weight() : _stakeOf(member);
    }

    /// @inheritdoc ICollateralVault
    function weightsOf(address[] calldata signers) external view returns (uint256[] memory weights) {
        uint24 epoch = _config.weightEpoch;
        uint256 count = signers.length;
        weights = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            address signer = signers[i];
            PackedStake stake = _book.stakes[signer];
            if (!stake.coSigner()) continue;
            weights[i] = stake.epoch() == epoch ? stake.weight() : _stakeOf(signer);
        }
    }

    /// @inheritdoc IStakeSource
    function quorumWeightOf(
        address[] calldata signers,
        uint64 createdAt
    ) external view returns (uint256 total, uint256 refused) {
        uint256 epoch = _config.weightEpoch;
        uint256 count = signers.length;
        for (uint256 i = 0; i < count;) {
            address signer;
            // No bounds or validation checks in the hot loop: i < count, and the address is masked (as it always
            // was: a view that never refused dirty upper bits keeps accepting them).
            assembly ("memory-safe") {
                signer := and(calldataload(add(signers.offset, shl(5, i))), 0xffffffffffffffffffffffffffffffffffffffff)
            }
            // One SLOAD per signer.
            PackedStake stake = _book.stakes[signer];
            uint256 weight = 0;
            if (stake.coSigner()) {
                weight = stake.epoch() == epoch ? stake.weight() : _stakeOf(signer);
            }
            unchecked {
                ++i;
                if (weight == 0) return (total, i);
            }
            // Bonded weight: stake added at or after `createdAt` counts nothing (decreases are in `weight` already).
            if (createdAt <= stake.increasedAt()) {
                uint256 before = _book.weightBefore(signer, createdAt);
                if (before < weight) weight = before;
            }
            unchecked {
                // At most 2^128 - 1 per signer and far fewer than 2^128 signers: no overflow.
                total += weight;
            }
        }
    }

    /// @inheritdoc IStakeSource
    function setCoSigner(address member, bool coSigner) external {
        if (msg.sender != address(_REGISTRY)) revert CollateralVaultNotRegistry(msg.sender);
        _book.setCoSigner(member, coSigner);
        emit CoSignerSet(member, coSigner);
    }

    /// @inheritdoc IStakeSource
    function refreshStake(address member) external {
        _cacheStake(member, _stakeOf(member), 0);
    }

    /// @inheritdoc IStakeSource
    function stakeHistoryOf(address member) external view returns (StakeHistory memory) {
        return _book.historyOf(member, _config.weightEpoch);
    }

    /// @inheritdoc IStakeSource
    function isCoSigner(address member) external view returns (bool) {
        return _book.stakes[member].coSigner();
    }

    /// @inheritdoc ICollateralVault
    function balanceOf(address member, address token) external view returns (uint256) {
        return _positions[member][token].balance;
    }

    /// @inheritdoc ICollateralVault
    function pendingOf(address member, address token) external view returns (PendingWithdrawal memory) {
        Position storage position = _positions[member][token];
        return PendingWithdrawal({amount: position.pending, executableAt: position.executableAt});
    }

    /// @inheritdoc ICollateralVault
    function bountyOf(address recipient, address token) external view returns (uint256) {
        return _bounties[recipient][token];
    }

    /// @inheritdoc ICollateralVault
    function tokenWeight(address token) external view returns (uint256) {
        return _weightOf(token);
    }

    /// @inheritdoc ICollateralVault
    function collateralTokens() external view returns (address[] memory tokens) {
        uint256 count = _config.tokenCount;
        tokens = new address[](count);
        for (uint256 i = 0; i < count; ++i) tokens[i] = _tokenList[i].token;
    }

    /// @inheritdoc IStakeSource
    function slashableWeightOf(address member) external view returns (uint256 weight) {
        uint256 count = _config.tokenCount;
        for (uint256 i = 0; i < count; ++i) {
            TokenInfo memory info = _tokenList[i];
            Position storage position = _positions[member][info.token];
            uint256 amount = position.balance + position.pending;
            if (amount != 0) weight += (amount * info.weight) / _WEIGHT_UNIT;
        }
    }

    /// @inheritdoc IStakeSource
    function poolTokens() external view returns (address[] memory tokens, uint256[] memory weights) {
        uint256 count = _config.tokenCount;
        tokens = new address[](count);
        weights = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            tokens[i] = _tokenList[i].token;
            weights[i] = _weightOf(tokens[i]);
        }
    }

    /// @inheritdoc ICollateralVault
    function bountyShareBps() external view returns (uint16) {
        return _config.bountyShareBps;
    }

    /// @inheritdoc IStakeSource
    function restitutionOf(address member, address token) external view returns (uint256) {
        return _positions[member][token].restitution;
    }

    /// @inheritdoc ICollateralVault
    function registry() external view returns (address) {
        return address(_REGISTRY);
    }

    /// @inheritdoc ICollateralVault
    function totals(address token) external view returns (TokenTotals memory) {
        Totals storage t = _totals[token];
        return
            TokenTotals({
                deposited: t.deposited,
                pending: t.pending,
                withdrawn: t.withdrawn,
                unclaimedBounty: t.unclaimedBounty,
                released: t.released
            });
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc ICollateralVault
    function setTokenWeight(address token, uint256 weight) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTokenWeight(token, weight);
    }

    /// @inheritdoc ICollateralVault
    function setAdjudicator(address adjudicator_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (adjudicator_ == address(0)) revert CollateralVaultZeroAddress();
        // Once: the adjudicator keeps the spent nullifiers and the claims the pools pay; another one would not know
        // them (and governance could release the pools to itself).
        address current = _config.adjudicator;
        if (current != address(0)) revert CollateralVaultAdjudicatorAlreadySet(current);
        _config.adjudicator = adjudicator_;
        emit AdjudicatorSet(adjudicator_);
    }

    /// @inheritdoc IStakeSource
    function adjudicator() external view returns (address) {
        return _config.adjudicator;
    }

    /// @inheritdoc ICollateralVault
    function setBountyShareBps(uint16 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (bps > Constants.BPS) revert CollateralVaultInvalidBps(bps);
        _config.bountyShareBps = bps;
        emit BountyShareSet(bps);
    }

    // ------------------------------------------------------------------ internal

    function _setTokenWeight(address token, uint256 weight) private {
        if (weight > type(uint96).max) revert CollateralVaultWeightTooLarge(weight);
        uint256 index = _tokenIndex[token];
        if (index == 0) {
            uint256 count = _config.tokenCount;
            if (count >= MAX_TOKENS) revert CollateralVaultTooManyTokens(MAX_TOKENS);
            index = count + 1;
            _tokenIndex[token] = index;
            _config.tokenCount = uint8(index);
        }
        _tokenList[index - 1] = TokenInfo({token: token, weight: uint96(weight)});
        // Every cached stake weight of an older epoch is now stale (views recompute it until refreshed).
        _config.weightEpoch += 1;
        emit TokenWeightSet(token, weight);
    }

    function _cacheStake(address member, uint256 weight, uint16 slashes) private {
        _book.cache(member, weight, slashes, _config.weightEpoch);
    }

    function _stakeOf(address member) private view returns (uint256 weight) {
        uint256 count = _config.tokenCount;
        for (uint256 i = 0; i < count; ++i) {
            TokenInfo memory info = _tokenList[i];
            uint256 balance = _positions[member][info.token].balance;
            if (balance != 0) weight += (balance * info.weight) / _WEIGHT_UNIT;
        }
    }

    /// @dev The weight of `token`; zero for a token never listed.
    function _weightOf(address token) private view returns (uint256) {
        uint256 index = _tokenIndex[token];
        return index == 0 ? 0 : _tokenList[index - 1].weight;
    }

    /// @dev Slash `bps` of one token's balance and pending withdrawal; returns the amount taken and the balance left.
    function _slashToken(
        address member,
        address token,
        uint256 bps,
        uint256 share,
        address bountyRecipient
    ) private returns (uint256 taken, uint256 balanceAfter) {
        uint256 fromBalance;
        uint256 fromPending;
        (fromBalance, fromPending, balanceAfter) = _take(member, token, bps);
        taken = fromBalance + fromPending;
        if (taken == 0) return (0, balanceAfter);
        uint256 bounty = (taken * share) / Constants.BPS;
        // All but the bounty goes to the member's own pool. Its slot is non-zero since the first deposit (`opened`);
        // restitution never exceeds what the member deposited, so it fits 128 bits.
        _positions[member][token].restitution += uint128(taken - bounty);
        emit CollateralSlashed(member, token, fromBalance, fromPending, bounty, taken - bounty, bountyRecipient);
        if (bounty > 0) _pushBounty(token, bountyRecipient, bounty);
    }

    /// @dev Remove `bps` of a member's balance and pending withdrawal of `token` from the books (rounding down, so
    /// never more than held).
    function _take(
        address member,
        address token,
        uint256 bps
    ) private returns (uint256 fromBalance, uint256 fromPending, uint256 balanceAfter) {
        Position storage position = _positions[member][token];
        uint128 balance = position.balance;
        uint128 pending = position.pending;
        // Rounding down, so never more than held; both results are <= their uint128 operands.
        fromBalance = (uint256(balance) * bps) / Constants.BPS;
        fromPending = (uint256(pending) * bps) / Constants.BPS;
        balanceAfter = balance - fromBalance;
        if (fromBalance == 0 && fromPending == 0) return (0, 0, balanceAfter);
        position.balance = uint128(balanceAfter);
        position.pending = pending - uint128(fromPending);
        if (fromPending != 0) _totals[token].pending -= uint128(fromPending);
    }

    /// @dev Push a bounty; if the recipient (or token) refuses it, credit it for claimBounty instead, so a
    /// hostile recipient can never block a slash.
    function _pushBounty(address token, address recipient, uint256 amount) private {
        bool ok;
        if (token == address(0)) {
            // Gas-capped so a recipient cannot burn the slasher's gas; a refusal falls back to a credit.
            (ok, ) = recipient.call{value: amount, gas: 50_000}("");
        } else {
            ok = IERC20(token).trySafeTransfer(recipient, amount);
        }
        if (!ok) {
            _bounties[recipient][token] += amount;
            _totals[token].unclaimedBounty += uint128(amount);
            emit BountyCredited(recipient, token, amount);
        }
    }

    function _send(address token, address to, uint256 amount) private {
        if (token == address(0)) {
            (bool ok, ) = to.call{value: amount}("");
            if (!ok) revert CollateralVaultEthTransferFailed(to, amount);
        } else {
            IERC20(token).safeTransfer(to, amount);
        }
    }
}
