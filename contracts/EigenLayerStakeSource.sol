// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {IAllocationManager, OperatorSet} from "./eigenlayer/interfaces/IAllocationManager.sol";
import {IAVSRegistrar} from "./eigenlayer/interfaces/IAVSRegistrar.sol";
import {IStrategy} from "./eigenlayer/interfaces/IStrategy.sol";
import {IStrategyManager} from "./eigenlayer/interfaces/IStrategyManager.sol";
import {IConsortiumRegistry} from "./interfaces/IConsortiumRegistry.sol";
import {IEigenLayerStakeSource} from "./interfaces/IEigenLayerStakeSource.sol";
import {IStakeSource} from "./interfaces/IStakeSource.sol";
import {IWrappedNative} from "./interfaces/IWrappedNative.sol";
import {BondedStake} from "./libraries/BondedStake.sol";
import {Constants} from "./libraries/Constants.sol";
import {MemberStatuses} from "./libraries/MemberStatuses.sol";
import {PackedStake} from "./libraries/PackedStake.sol";

/// @title EigenLayerStakeSource
/// @notice The consortium's AVS on EigenLayer and its stake source when a deployment chooses restaked stake: see
/// `IEigenLayerStakeSource`.
/// @dev Every call into EigenLayer goes to the two core contracts given at deployment (trusted like the chain). The
/// only other untrusted calls are token transfers of the strategies' underlying tokens (bounties, restitution), made
/// after the bookkeeping; every state-changing entry point but the registrar callbacks is non-reentrant (the
/// AllocationManager calls them back inside this contract's own deregistration calls).
contract EigenLayerStakeSource is IEigenLayerStakeSource, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using BondedStake for BondedStake.Book;
    using MemberStatuses for IConsortiumRegistry.MemberStatus;

    /// @notice Most strategies in the set (bounds the loops of a weight read and a slash).
    uint256 public constant MAX_STRATEGIES = 8;

    uint256 private constant _WEIGHT_UNIT = 1e18;
    /// @dev `wadsToSlash` of one basis point (1e18 = the whole allocation).
    uint256 private constant _WAD_PER_BPS = 1e14;
    string private constant _SLASH_DESCRIPTION = "por-consortium: adjudicated slash";

    /// @dev A member's operator and whether it is registered in the set.
    struct Binding {
        address operator;
        bool registered;
    }

    /// @dev A strategy's part of an executed slash, until booked.
    struct SlashedShares {
        uint128 shares;
        uint128 worth;
    }

    /// @dev Governance values read together, one slot.
    struct Config {
        address adjudicator;
        uint32 lookAheadBlocks;
        uint24 weightEpoch;
        uint16 bountyShareBps;
        bool created;
    }

    IAllocationManager private immutable _ALLOCATION_MANAGER;
    IStrategyManager private immutable _STRATEGY_MANAGER;
    IConsortiumRegistry private immutable _REGISTRY;
    uint32 private immutable _SET_ID;
    uint32 private immutable _DEALLOCATION_DELAY;
    IWrappedNative private immutable _WRAPPED_NATIVE;

    Config private _config;
    uint64 private _restitutionDelay;
    uint256 private _deferredCount;
    /// @dev Members' cached weights (what the quorum counts as bonded), time integrals and slash counters.
    BondedStake.Book private _book;
    StrategyWeight[] private _strategies;
    mapping(address member => Binding binding) private _bindings;
    mapping(address operator => address member) private _members;
    mapping(address member => mapping(address token => uint256 amount)) private _pools;
    mapping(address recipient => mapping(address token => uint256 amount)) private _bounties;
    mapping(address token => TokenTotals totals) private _totals;
    mapping(uint256 slashId => ExecutedSlash slash) private _executed;
    /// @dev Per executed slash and strategy, what EigenLayer slashed and has not been booked yet: its shares and their
    /// worth in tokens when slashed.
    mapping(uint256 slashId => mapping(IStrategy strategy => SlashedShares shares)) private _unbookedShares;
    mapping(address member => uint256[] slashIds) private _pending;
    mapping(uint256 id => DeferredSlash slash) private _deferred;
    /// @dev Per member, its deferred slashes that hold its claim rounds.
    mapping(address member => uint256[] ids) private _holding;

    /// @param admin Governance (DEFAULT_ADMIN_ROLE).
    /// @param allocationManager EigenLayer's AllocationManager.
    /// @param strategyManager EigenLayer's StrategyManager.
    /// @param registry The consortium registry.
    /// @param operatorSetId_ The id of the consortium's operator set (this contract is its AVS).
    /// @param lookAheadBlocks Weight counts stake still slashable this many blocks ahead (below the deallocation
    /// delay).
    /// @param restitutionDelay_ Longest time in seconds a slash's clearing may take (claim rounds last at least this).
    /// @param bountyShareBps Share of each slash paid to the bounty recipient, in basis points.
    /// @param wrappedNative_ WETH, whose slashed tokens are unwrapped and pooled as ETH (address(0): none).
    constructor(
        address admin,
        IAllocationManager allocationManager,
        IStrategyManager strategyManager,
        IConsortiumRegistry registry,
        uint32 operatorSetId_,
        uint32 lookAheadBlocks,
        uint64 restitutionDelay_,
        uint16 bountyShareBps,
        IWrappedNative wrappedNative_
    ) {
        if (
            admin == address(0) ||
            address(allocationManager) == address(0) ||
            address(strategyManager) == address(0) ||
            address(registry) == address(0)
        ) revert EigenLayerZeroAddress();
        _ALLOCATION_MANAGER = allocationManager;
        _STRATEGY_MANAGER = strategyManager;
        _REGISTRY = registry;
        _SET_ID = operatorSetId_;
        _DEALLOCATION_DELAY = allocationManager.DEALLOCATION_DELAY();
        _WRAPPED_NATIVE = wrappedNative_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setStakeParams(lookAheadBlocks, restitutionDelay_, bountyShareBps);
    }

    /// @dev Only unwrapped WETH arrives as ether.
    receive() external payable {
        if (msg.sender != address(_WRAPPED_NATIVE)) revert EigenLayerUnexpectedEth(msg.sender);
    }

    modifier onlyAllocationManager() {
        if (msg.sender != address(_ALLOCATION_MANAGER)) revert EigenLayerNotAllocationManager(msg.sender);
        _;
    }

    modifier onlyAdjudicator() {
        if (msg.sender != _config.adjudicator) revert EigenLayerNotAdjudicator(msg.sender);
        _;
    }

    // ------------------------------------------------------------------ governance

    /// @inheritdoc IEigenLayerStakeSource
    function createOperatorSet(
        string calldata metadataURI,
        StrategyWeight[] calldata strategyWeights
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (_config.created) revert EigenLayerSetAlreadyCreated();
        uint256 count = strategyWeights.length;
        if (count > MAX_STRATEGIES) revert EigenLayerTooManyStrategies(MAX_STRATEGIES);
        IStrategy[] memory list = new IStrategy[](count);
        for (uint256 i = 0; i < count; ++i) {
            IStrategy strategy = strategyWeights[i].strategy;
            if (address(strategy) == address(0) || (i != 0 && strategy <= list[i - 1])) {
                revert EigenLayerBadStrategy(address(strategy));
            }
            list[i] = strategy;
            _strategies.push(strategyWeights[i]);
            emit StrategyWeightSet(address(strategy), strategyWeights[i].weight);
        }
        _config.created = true;
        _ALLOCATION_MANAGER.updateAVSMetadataURI(address(this), metadataURI);
        _ALLOCATION_MANAGER.setAVSRegistrar(address(this), IAVSRegistrar(address(this)));
        IAllocationManager.CreateSetParamsV2[] memory params = new IAllocationManager.CreateSetParamsV2[](1);
        params[0] = IAllocationManager.CreateSetParamsV2({
            operatorSetId: _SET_ID,
            strategies: list,
            slasher: address(this)
        });
        address[] memory recipients = new address[](1);
        recipients[0] = address(this);
        _ALLOCATION_MANAGER.createRedistributingOperatorSets(address(this), params, recipients);
        emit OperatorSetCreated(_SET_ID, metadataURI);
    }

    /// @inheritdoc IEigenLayerStakeSource
    function setStrategyWeight(IStrategy strategy, uint96 weight) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (!_config.created) revert EigenLayerSetNotCreated();
        if (address(strategy) == address(0)) revert EigenLayerBadStrategy(address(0));
        uint256 count = _strategies.length;
        uint256 at = 0;
        while (at < count && _strategies[at].strategy < strategy) ++at;
        if (at < count && _strategies[at].strategy == strategy) {
            _strategies[at].weight = weight;
        } else {
            if (count == MAX_STRATEGIES) revert EigenLayerTooManyStrategies(MAX_STRATEGIES);
            // Keep the list ascending (slashOperator wants the strategies in that order): shift the tail up by one.
            _strategies.push(StrategyWeight(strategy, weight));
            for (uint256 i = count; i > at; --i) _strategies[i] = _strategies[i - 1];
            _strategies[at] = StrategyWeight(strategy, weight);
            IStrategy[] memory added = new IStrategy[](1);
            added[0] = strategy;
            _ALLOCATION_MANAGER.addStrategiesToOperatorSet(address(this), _SET_ID, added);
        }
        // Every cached weight is now of an older epoch (`stakeHistoryOf` reports it as not current).
        _config.weightEpoch += 1;
        emit StrategyWeightSet(address(strategy), weight);
    }

    /// @inheritdoc IEigenLayerStakeSource
    function setStakeParams(
        uint32 lookAheadBlocks,
        uint64 restitutionDelay_,
        uint16 bountyShareBps
    ) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setStakeParams(lookAheadBlocks, restitutionDelay_, bountyShareBps);
    }

    /// @inheritdoc IEigenLayerStakeSource
    function setAdjudicator(address adjudicator_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (adjudicator_ == address(0)) revert EigenLayerZeroAddress();
        // Once, like the vault's: the adjudicator keeps the claims the pools pay.
        address current = _config.adjudicator;
        if (current != address(0)) revert EigenLayerAdjudicatorAlreadySet(current);
        _config.adjudicator = adjudicator_;
        emit AdjudicatorSet(adjudicator_);
    }

    // ------------------------------------------------------------------ registrar (AllocationManager callbacks)

    /// @inheritdoc IAVSRegistrar
    function registerOperator(
        address operator,
        address avs,
        uint32[] calldata operatorSetIds,
        bytes calldata data
    ) external onlyAllocationManager {
        _checkSet(avs, operatorSetIds);
        if (data.length != 32) revert EigenLayerBadRegistrationData(data);
        address member = abi.decode(data, (address));
        if (!_REGISTRY.statusOf(member).isOperating()) revert EigenLayerNotOperatingMember(member);
        Binding storage binding = _bindings[member];
        if (binding.operator != operator) revert EigenLayerOperatorNotApproved(member, operator);
        address served = _members[operator];
        if (served != address(0) && served != member) revert EigenLayerOperatorTaken(operator, served);
        _members[operator] = member;
        binding.registered = true;
        emit OperatorRegistered(member, operator);
    }

    /// @inheritdoc IAVSRegistrar
    /// @dev Never refuses a deregistration of this set: either side may always leave.
    function deregisterOperator(
        address operator,
        address avs,
        uint32[] calldata operatorSetIds
    ) external onlyAllocationManager {
        _checkSet(avs, operatorSetIds);
        address member = _members[operator];
        if (member == address(0)) return;
        _bindings[member].registered = false;
        // The time integral stops here; the quorum counts an unregistered operator's member for nothing anyway.
        _book.cache(member, 0, 0, _config.weightEpoch);
        emit OperatorDeregistered(member, operator);
    }

    /// @inheritdoc IAVSRegistrar
    function supportsAVS(address avs) external view returns (bool) {
        return avs == address(this);
    }

    // ------------------------------------------------------------------ members and anyone

    /// @inheritdoc IEigenLayerStakeSource
    function approveOperator(address operator) external nonReentrant {
        address member = msg.sender;
        if (operator == address(0)) revert EigenLayerZeroAddress();
        if (!_REGISTRY.statusOf(member).isOperating()) revert EigenLayerNotOperatingMember(member);
        Binding memory binding = _bindings[member];
        if (binding.operator == operator) return;
        OperatorSet memory set = _operatorSet();
        // An approval alone ties nobody: only the operator's registration for the member (its consent) does.
        if (binding.operator != address(0) && _members[binding.operator] == member) {
            // The member leaves an operator that registered for it only once that operator can no longer be slashed
            // for it: otherwise its stake would escape slashes ordered for the member.
            if (binding.registered || _ALLOCATION_MANAGER.isOperatorSlashable(binding.operator, set)) {
                revert EigenLayerOperatorStillBound(member, binding.operator);
            }
            delete _members[binding.operator];
        }
        address served = _members[operator];
        if (served != address(0) && served != member) {
            // The operator registered for another member: free once it is neither registered nor slashable for it
            // (a slash ordered for that member afterwards finds no operator and is deferred, never taken from here).
            if (_bindings[served].registered || _ALLOCATION_MANAGER.isOperatorSlashable(operator, set)) {
                revert EigenLayerOperatorTaken(operator, served);
            }
            delete _members[operator];
            delete _bindings[served];
        }
        _bindings[member] = Binding(operator, false);
        emit OperatorApproved(member, operator);
    }

    /// @inheritdoc IEigenLayerStakeSource
    function deregisterLeft(address member) external nonReentrant {
        Binding memory binding = _bindings[member];
        if (!_REGISTRY.statusOf(member).hasLeft() || !binding.registered) revert EigenLayerMemberNotLeft(member);
        _ALLOCATION_MANAGER.deregisterFromOperatorSets(_deregisterParams(binding.operator));
    }

    /// @inheritdoc IEigenLayerStakeSource
    function retrySlash(uint256 id) external nonReentrant {
        DeferredSlash memory deferred = _deferred[id];
        if (deferred.member == address(0)) revert EigenLayerUnknownDeferredSlash(id);
        delete _deferred[id];
        if (deferred.holdsRounds) _removeId(_holding[deferred.member], id);
        (bool executed, uint256 slashId, , bytes memory reason) = _execute(
            deferred.member,
            deferred.bps,
            deferred.bountyRecipient,
            deferred.bountyBps,
            deferred.orderedAt
        );
        // Reverting restores the record: a refused retry loses nothing.
        if (!executed) revert EigenLayerSlashRefused(id, reason);
        _book.cache(deferred.member, _stakeOf(deferred.member), 0, _config.weightEpoch);
        emit DeferredSlashExecuted(id, slashId);
    }

    /// @inheritdoc IEigenLayerStakeSource
    function releaseDeferredSlash(uint256 id) external onlyRole(DEFAULT_ADMIN_ROLE) {
        DeferredSlash storage deferred = _deferred[id];
        address member = deferred.member;
        if (member == address(0)) revert EigenLayerUnknownDeferredSlash(id);
        if (!deferred.holdsRounds) revert EigenLayerDeferredSlashNotHolding(id);
        deferred.holdsRounds = false;
        _removeId(_holding[member], id);
        emit DeferredSlashReleased(id, member);
    }

    /// @inheritdoc IEigenLayerStakeSource
    function clearSlash(uint256 slashId) external nonReentrant returns (bool cleared) {
        if (_executed[slashId].member == address(0)) revert EigenLayerUnknownSlash(slashId);
        return _clear(slashId);
    }

    /// @inheritdoc IStakeSource
    function clearRestitution(address member, uint64 orderedBy) external nonReentrant returns (uint256 pending) {
        uint256[] memory slashIds = _pending[member];
        for (uint256 i = 0; i < slashIds.length; ++i) {
            if (!_clear(slashIds[i]) && _executed[slashIds[i]].orderedAt <= orderedBy) ++pending;
        }
        // Slashes EigenLayer refused so far: their funds are still to come.
        uint256[] storage deferredIds = _holding[member];
        uint256 count = deferredIds.length;
        for (uint256 i = 0; i < count; ++i) {
            if (_deferred[deferredIds[i]].orderedAt <= orderedBy) ++pending;
        }
    }

    /// @inheritdoc IEigenLayerStakeSource
    function claimBounty(address token) external nonReentrant {
        uint256 amount = _bounties[msg.sender][token];
        if (amount == 0) revert EigenLayerNoBounty(msg.sender, token);
        delete _bounties[msg.sender][token];
        TokenTotals storage totals_ = _totals[token];
        totals_.unclaimedBounty -= amount;
        totals_.bountyPaid += amount;
        emit BountyClaimed(msg.sender, token, amount);
        _send(token, msg.sender, amount);
    }

    /// @inheritdoc IStakeSource
    function refreshStake(address member) external nonReentrant {
        _book.cache(member, _stakeOf(member), 0, _config.weightEpoch);
    }

    // ------------------------------------------------------------------ the consortium's calls

    /// @inheritdoc IStakeSource
    /// @dev The registry pushes `false` when a member requests its exit or is ejected; an ejection also deregisters
    /// the member's operator (a refusal is logged and `deregisterLeft` retries it; the ejection itself stands).
    function setCoSigner(address member, bool coSigner) external {
        if (msg.sender != address(_REGISTRY)) revert EigenLayerNotRegistry(msg.sender);
        _book.setCoSigner(member, coSigner);
        emit CoSignerSet(member, coSigner);
        if (coSigner || _REGISTRY.statusOf(member) != IConsortiumRegistry.MemberStatus.Ejected) return;
        Binding memory binding = _bindings[member];
        if (!binding.registered) return;
        // solhint-disable-next-line no-empty-blocks
        try _ALLOCATION_MANAGER.deregisterFromOperatorSets(_deregisterParams(binding.operator)) {} catch (
            bytes memory reason
        ) {
            emit OperatorEjectionFailed(member, binding.operator, reason);
        }
    }

    /// @inheritdoc IStakeSource
    function slash(
        address member,
        uint16 bps,
        address bountyRecipient
    ) external onlyAdjudicator nonReentrant returns (uint256 weightSlashed) {
        if (bps == 0 || bps > Constants.BPS) revert EigenLayerInvalidBps(bps);
        uint16 share = bountyRecipient == address(0) ? 0 : _config.bountyShareBps;
        bool executed;
        bytes memory reason;
        uint40 orderedAt = uint40(block.timestamp);
        (executed, , weightSlashed, reason) = _execute(member, bps, bountyRecipient, share, orderedAt);
        if (!executed) {
            uint256 id = ++_deferredCount;
            // Only a refusal of a slashable operator (a pause) holds rounds: one without a slashable operator takes
            // nothing until the member binds a new one, and holding for it would let a member that let its operator go
            // freeze its victims' rounds with slashes of itself.
            bool holds = _slashableOperator(member);
            _deferred[id] = DeferredSlash(member, bps, bountyRecipient, share, orderedAt, holds, reason);
            if (holds) _holding[member].push(id);
            emit SlashDeferred(id, member, bps, reason);
        }
        // Counted when ordered, executed or not.
        _book.cache(member, _stakeOf(member), 1, _config.weightEpoch);
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
        if (to == address(0)) revert EigenLayerZeroAddress();
        if (amount == 0) revert EigenLayerZeroAmount();
        uint256 held = _pools[member][token];
        if (held < amount) revert EigenLayerRestitutionShort(member, token, held, amount);
        _pools[member][token] = held - amount;
        _totals[token].released += amount;
        emit RestitutionReleased(member, token, to, amount);
        _send(token, to, amount);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IStakeSource
    function quorumWeightOf(
        address[] calldata signers,
        uint64 createdAt
    ) external view returns (uint256 total, uint256 refused) {
        uint256 count = signers.length;
        address[] memory operators = new address[](count);
        PackedStake[] memory stakes = new PackedStake[](count);
        for (uint256 i = 0; i < count; ++i) {
            address signer = signers[i];
            PackedStake stake = _book.stakes[signer];
            stakes[i] = stake;
            Binding memory binding = _bindings[signer];
            if (stake.coSigner() && binding.registered) operators[i] = binding.operator;
        }
        uint256[] memory live = _liveWeights(operators);
        for (uint256 i = 0; i < count; ++i) {
            uint256 weight = live[i];
            if (weight == 0) return (total, i + 1);
            // Bonded weight: at most what was cached before `createdAt` (an increase at or after it counts nothing).
            PackedStake stake = stakes[i];
            uint256 before =
                createdAt <= stake.increasedAt() ? _book.weightBefore(signers[i], createdAt) : stake.weight();
            total += before < weight ? before : weight;
        }
    }

    /// @inheritdoc IStakeSource
    function stakeOf(address member) external view returns (uint256 weight) {
        return _stakeOf(member);
    }

    /// @inheritdoc IStakeSource
    function stakeHistoryOf(address member) external view returns (StakeHistory memory) {
        return _book.historyOf(member, _config.weightEpoch);
    }

    /// @inheritdoc IStakeSource
    function isCoSigner(address member) external view returns (bool) {
        return _book.stakes[member].coSigner();
    }

    /// @inheritdoc IStakeSource
    function restitutionOf(address member, address token) external view returns (uint256) {
        return _pools[member][token];
    }

    /// @inheritdoc IStakeSource
    function restitutionDelay() external view returns (uint64) {
        return _restitutionDelay;
    }

    /// @inheritdoc IStakeSource
    function adjudicator() external view returns (address) {
        return _config.adjudicator;
    }

    /// @inheritdoc IEigenLayerStakeSource
    function operatorOf(address member) external view returns (address operator, bool registered) {
        Binding memory binding = _bindings[member];
        return (binding.operator, binding.registered);
    }

    /// @inheritdoc IEigenLayerStakeSource
    function memberOf(address operator) external view returns (address) {
        return _members[operator];
    }

    /// @inheritdoc IEigenLayerStakeSource
    function strategies() external view returns (StrategyWeight[] memory) {
        return _strategies;
    }

    /// @inheritdoc IStakeSource
    function slashableWeightOf(address member) external view returns (uint256 weight) {
        return _stakeOf(member);
    }

    /// @inheritdoc IStakeSource
    function poolTokens() external view returns (address[] memory tokens, uint256[] memory weights) {
        StrategyWeight[] memory list = _strategies;
        tokens = new address[](list.length);
        weights = new uint256[](list.length);
        for (uint256 i = 0; i < list.length; ++i) {
            address token = address(list[i].strategy.underlyingToken());
            // Pooled as ether, as `_bookCleared` books it.
            tokens[i] = token == address(_WRAPPED_NATIVE) ? address(0) : token;
            weights[i] = list[i].weight;
        }
    }

    /// @inheritdoc IEigenLayerStakeSource
    function operatorSetId() external view returns (uint32) {
        return _SET_ID;
    }

    /// @inheritdoc IEigenLayerStakeSource
    function wrappedNative() external view returns (address) {
        return address(_WRAPPED_NATIVE);
    }

    /// @inheritdoc IEigenLayerStakeSource
    function eigenLayer() external view returns (address allocationManager, address strategyManager) {
        return (address(_ALLOCATION_MANAGER), address(_STRATEGY_MANAGER));
    }

    /// @inheritdoc IEigenLayerStakeSource
    function stakeParams() external view returns (uint32 lookAheadBlocks, uint16 bountyShareBps) {
        return (_config.lookAheadBlocks, _config.bountyShareBps);
    }

    /// @inheritdoc IEigenLayerStakeSource
    function executedSlash(uint256 slashId) external view returns (ExecutedSlash memory) {
        return _executed[slashId];
    }

    /// @inheritdoc IEigenLayerStakeSource
    function pendingSlashesOf(address member) external view returns (uint256[] memory slashIds) {
        return _pending[member];
    }

    /// @inheritdoc IEigenLayerStakeSource
    function deferredSlashesOf(address member) external view returns (uint256[] memory ids) {
        return _holding[member];
    }

    /// @inheritdoc IEigenLayerStakeSource
    function deferredSlash(uint256 id) external view returns (DeferredSlash memory) {
        return _deferred[id];
    }

    /// @inheritdoc IEigenLayerStakeSource
    function deferredSlashCount() external view returns (uint256) {
        return _deferredCount;
    }

    /// @inheritdoc IEigenLayerStakeSource
    function bountyOf(address recipient, address token) external view returns (uint256) {
        return _bounties[recipient][token];
    }

    /// @inheritdoc IEigenLayerStakeSource
    function totals(address token) external view returns (TokenTotals memory) {
        return _totals[token];
    }

    // ------------------------------------------------------------------ internal

    function _setStakeParams(uint32 lookAheadBlocks, uint64 restitutionDelay_, uint16 bountyShareBps) private {
        if (lookAheadBlocks >= _DEALLOCATION_DELAY) {
            revert EigenLayerLookAheadTooLong(lookAheadBlocks, _DEALLOCATION_DELAY);
        }
        if (bountyShareBps > Constants.BPS) revert EigenLayerInvalidBps(bountyShareBps);
        _config.lookAheadBlocks = lookAheadBlocks;
        _config.bountyShareBps = bountyShareBps;
        _restitutionDelay = restitutionDelay_;
        emit StakeParamsSet(lookAheadBlocks, restitutionDelay_, bountyShareBps);
    }

    /// @dev Slashes `bps` of `member`'s operator's allocation of every strategy and tries to clear it at once; the
    /// executed slash is recorded as ordered at `orderedAt`. Returns executed = false with EigenLayer's revert data
    /// when it refuses.
    function _execute(
        address member,
        uint16 bps,
        address bountyRecipient,
        uint16 bountyBps,
        uint40 orderedAt
    ) private returns (bool executed, uint256 slashId, uint256 weightSlashed, bytes memory reason) {
        address operator = _bindings[member].operator;
        // Only an operator that registered for the member stakes for it (another member's approval proves nothing).
        if (operator == address(0) || _members[operator] != member) {
            return (false, 0, 0, abi.encodeWithSelector(EigenLayerNoOperator.selector, member));
        }
        StrategyWeight[] memory list = _strategies;
        uint256[] memory shares;
        (executed, slashId, shares, reason) = _slashOperator(operator, list, bps);
        if (!executed) return (false, 0, 0, reason);
        for (uint256 i = 0; i < list.length; ++i) {
            if (shares[i] != 0 && list[i].weight != 0) {
                weightSlashed += (list[i].strategy.sharesToUnderlyingView(shares[i]) * list[i].weight) / _WEIGHT_UNIT;
            }
        }
        for (uint256 i = 0; i < list.length; ++i) {
            if (shares[i] == 0) continue;
            uint256 worth = list[i].strategy.sharesToUnderlyingView(shares[i]);
            _unbookedShares[slashId][list[i].strategy] = SlashedShares(
                SafeCast.toUint128(shares[i]),
                SafeCast.toUint128(worth)
            );
        }
        _executed[slashId] = ExecutedSlash(member, bountyRecipient, bountyBps, false, orderedAt);
        _pending[member].push(slashId);
        emit OperatorSlashOrdered(member, operator, slashId, bps, weightSlashed);
        _clear(slashId);
    }

    /// @dev `slashOperator` for `bps` of every strategy in `list` (ascending); ok = false with the revert data when
    /// EigenLayer refuses; reverts the whole transaction when it failed without data (out of gas).
    function _slashOperator(
        address operator,
        StrategyWeight[] memory list,
        uint16 bps
    ) private returns (bool ok, uint256 slashId, uint256[] memory shares, bytes memory reason) {
        uint256 count = list.length;
        IStrategy[] memory strategyList = new IStrategy[](count);
        uint256[] memory wads = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            strategyList[i] = list[i].strategy;
            wads[i] = uint256(bps) * _WAD_PER_BPS;
        }
        IAllocationManager.SlashingParams memory params = IAllocationManager.SlashingParams({
            operator: operator,
            operatorSetId: _SET_ID,
            strategies: strategyList,
            wadsToSlash: wads,
            description: _SLASH_DESCRIPTION
        });
        try _ALLOCATION_MANAGER.slashOperator(address(this), params) returns (uint256 id, uint256[] memory slashed) {
            return (true, id, slashed, "");
        } catch (bytes memory data) {
            if (data.length == 0) revert EigenLayerCallStarved();
            return (false, 0, shares, data);
        }
    }

    /// @dev Clears every strategy's slashed shares of `slashId` that EigenLayer will pay now, books what arrived, and
    /// marks the slash cleared once nothing is left (removing it from the member's pending list).
    function _clear(uint256 slashId) private returns (bool cleared) {
        ExecutedSlash memory executed = _executed[slashId];
        if (executed.cleared) return true;
        OperatorSet memory set = _operatorSet();
        uint256 count = _strategies.length;
        cleared = true;
        for (uint256 i = 0; i < count; ++i) {
            IStrategy strategy = _strategies[i].strategy;
            SlashedShares memory slashed = _unbookedShares[slashId][strategy];
            if (slashed.shares == 0) continue;
            IERC20 token = strategy.underlyingToken();
            uint256 amount;
            if (_STRATEGY_MANAGER.getBurnOrRedistributableShares(set, slashId, strategy) != 0) {
                uint256 before = token.balanceOf(address(this));
                // solhint-disable-next-line no-empty-blocks
                try _STRATEGY_MANAGER.clearBurnOrRedistributableSharesByStrategy(set, slashId, strategy) {} catch (
                    bytes memory data
                ) {
                    // Not payable yet (EigenLayer's slash resolution delay): stays pending for a later call.
                    if (data.length == 0) revert EigenLayerCallStarved();
                    cleared = false;
                    continue;
                }
                amount = token.balanceOf(address(this)) - before;
            } else {
                // Someone cleared it on EigenLayer directly (anyone may): its tokens are here, on nobody's books.
                // Booked at the least of the shares' worth when slashed and now, and what this contract holds beyond
                // its books (so a rate change between the clearing and this booking gives no pool more than its own).
                amount = strategy.sharesToUnderlyingView(slashed.shares);
                if (amount > slashed.worth) amount = slashed.worth;
                uint256 unbooked = _unbooked(token);
                if (amount > unbooked) amount = unbooked;
            }
            delete _unbookedShares[slashId][strategy];
            _bookCleared(executed, slashId, address(token), amount);
        }
        if (cleared) {
            _executed[slashId].cleared = true;
            _removeId(_pending[executed.member], slashId);
        }
    }

    /// @dev Books `amount` of `token` that arrived for a slash: the bounty share to its recipient (pushed, or
    /// credited when the push fails), the rest to the member's pool.
    function _bookCleared(ExecutedSlash memory executed, uint256 slashId, address token, uint256 amount) private {
        if (token == address(_WRAPPED_NATIVE)) {
            // Pooled as ether (token address(0)), the token claims in the ETH asset are paid in.
            _WRAPPED_NATIVE.withdraw(amount);
            token = address(0);
        }
        uint256 bounty = executed.bountyRecipient == address(0) ? 0 : (amount * executed.bountyBps) / Constants.BPS;
        _pools[executed.member][token] += amount - bounty;
        TokenTotals storage totals_ = _totals[token];
        totals_.cleared += amount;
        emit SlashCleared(executed.member, slashId, token, amount, bounty, executed.bountyRecipient);
        if (bounty == 0) return;
        if (_trySend(token, executed.bountyRecipient, bounty)) {
            totals_.bountyPaid += bounty;
        } else {
            _bounties[executed.bountyRecipient][token] += bounty;
            totals_.unclaimedBounty += bounty;
            emit BountyCredited(executed.bountyRecipient, token, bounty);
        }
    }

    /// @dev What this contract holds of `token` beyond its books (pools, released and paid excluded). A wrapped-native
    /// token is never on the books (it is unwrapped as it arrives).
    function _unbooked(IERC20 token) private view returns (uint256) {
        TokenTotals storage t = _totals[address(token)];
        return token.balanceOf(address(this)) - (t.cleared - t.released - t.bountyPaid);
    }

    /// @dev Pays ether (token address(0)) or a token; reverts when it fails.
    function _send(address token, address to, uint256 amount) private {
        if (token != address(0)) return IERC20(token).safeTransfer(to, amount);
        (bool ok, ) = to.call{value: amount}("");
        if (!ok) revert EigenLayerEthTransferFailed(to, amount);
    }

    /// @dev Pushes a bounty; false when the recipient (gas-capped for ether) or the token refuses it.
    function _trySend(address token, address to, uint256 amount) private returns (bool ok) {
        if (token != address(0)) return IERC20(token).trySafeTransfer(to, amount);
        (ok, ) = to.call{value: amount, gas: 50_000}("");
    }

    /// @dev Whether `member` has a registered operator that EigenLayer counts as slashable in the set.
    function _slashableOperator(address member) private view returns (bool) {
        address operator = _bindings[member].operator;
        return
            operator != address(0) &&
            _members[operator] == member &&
            _ALLOCATION_MANAGER.isOperatorSlashable(operator, _operatorSet());
    }

    /// @dev Removes `id` from `ids` (order not kept).
    function _removeId(uint256[] storage ids, uint256 id) private {
        uint256 count = ids.length;
        for (uint256 i = 0; i < count; ++i) {
            if (ids[i] == id) {
                ids[i] = ids[count - 1];
                ids.pop();
                return;
            }
        }
    }

    /// @dev The weight of `member`'s registered operator's slashable stake; zero without one.
    function _stakeOf(address member) private view returns (uint256) {
        Binding memory binding = _bindings[member];
        if (!binding.registered) return 0;
        address[] memory operators = new address[](1);
        operators[0] = binding.operator;
        return _liveWeights(operators)[0];
    }

    /// @dev Per operator (zero entries skipped, weight 0), the weighted tokens of its stake slashable by the set
    /// `lookAheadBlocks` ahead, in one AllocationManager call for all of them.
    function _liveWeights(address[] memory operators) private view returns (uint256[] memory weights) {
        uint256 count = operators.length;
        weights = new uint256[](count);
        uint256 listed = 0;
        for (uint256 i = 0; i < count; ++i) if (operators[i] != address(0)) ++listed;
        StrategyWeight[] memory list = _strategies;
        uint256 strategyCount = list.length;
        if (listed == 0 || strategyCount == 0) return weights;
        address[] memory asked = new address[](listed);
        uint256 next = 0;
        for (uint256 i = 0; i < count; ++i) if (operators[i] != address(0)) asked[next++] = operators[i];
        IStrategy[] memory strategyList = new IStrategy[](strategyCount);
        for (uint256 j = 0; j < strategyCount; ++j) strategyList[j] = list[j].strategy;
        uint256[][] memory shares = _ALLOCATION_MANAGER.getMinimumSlashableStake(
            _operatorSet(),
            asked,
            strategyList,
            uint32(block.number) + _config.lookAheadBlocks
        );
        next = 0;
        for (uint256 i = 0; i < count; ++i) {
            if (operators[i] == address(0)) continue;
            uint256[] memory row = shares[next++];
            for (uint256 j = 0; j < strategyCount; ++j) {
                if (row[j] == 0 || list[j].weight == 0) continue;
                weights[i] += (list[j].strategy.sharesToUnderlyingView(row[j]) * list[j].weight) / _WEIGHT_UNIT;
            }
        }
    }

    function _checkSet(address avs, uint32[] calldata operatorSetIds) private view {
        if (avs != address(this) || operatorSetIds.length != 1 || operatorSetIds[0] != _SET_ID) {
            revert EigenLayerWrongOperatorSet(avs, operatorSetIds);
        }
    }

    function _operatorSet() private view returns (OperatorSet memory) {
        return OperatorSet(address(this), _SET_ID);
    }

    function _deregisterParams(address operator) private view returns (IAllocationManager.DeregisterParams memory) {
        uint32[] memory ids = new uint32[](1);
        ids[0] = _SET_ID;
        return IAllocationManager.DeregisterParams({operator: operator, avs: address(this), operatorSetIds: ids});
    }
}
