// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IAllocationManager, OperatorSet} from "../../eigenlayer/interfaces/IAllocationManager.sol";
import {IAVSRegistrar} from "../../eigenlayer/interfaces/IAVSRegistrar.sol";
import {IStrategy} from "../../eigenlayer/interfaces/IStrategy.sol";
import {StandInDelegationManager} from "./StandInDelegationManager.sol";

/// @title StandInAllocationManager
/// @notice TEST-ONLY stand-in of EigenLayer's AllocationManager (v1.12, V2 overloads only); never deploy to a real
/// network. Reproduces what an AVS meets: AVS calls by the AVS address only (the PermissionController's default),
/// metadata before sets, redistributing sets with a fixed recipient, the slasher (immediate at creation, delayed by
/// `ALLOCATION_CONFIGURATION_DELAY` on update), allocations slashable only after the operator's allocation delay,
/// deallocations and deregistrations slashable for `DEALLOCATION_DELAY` blocks, the registrar callbacks, and slashing
/// by magnitude with the real checks, rounding and errors. `setPaused` stands in for the pauser (slashing,
/// allocations and registration, like `pauseAll`).
contract StandInAllocationManager is IAllocationManager {
    using EnumerableSet for EnumerableSet.AddressSet;
    using EnumerableSet for EnumerableSet.Bytes32Set;

    /// @notice Where non-redistributing sets' slashed funds go.
    address public constant DEFAULT_BURN_ADDRESS = 0x00000000000000000000000000000000000E16E4;
    /// @notice The beacon-chain ETH pseudo-strategy, which redistributing sets refuse.
    IStrategy public constant BEACONCHAIN_ETH_STRAT = IStrategy(0xbeaC0eeEeeeeEEeEeEEEEeeEEeEeeeEeeEEBEaC0);
    uint64 internal constant _WAD = 1e18;

    /// @notice The DelegationManager stand-in (operators and their shares).
    StandInDelegationManager public immutable delegation;
    /// @inheritdoc IAllocationManager
    uint32 public immutable DEALLOCATION_DELAY;
    /// @notice Blocks before a changed allocation delay or slasher takes effect.
    uint32 public immutable ALLOCATION_CONFIGURATION_DELAY;

    /// @notice A pending-aware allocation of a strategy to a set (the real struct).
    struct Allocation {
        uint64 currentMagnitude;
        int128 pendingDiff;
        uint32 effectBlock;
    }

    struct AllocationDelayInfo {
        uint32 delay;
        bool isSet;
        uint32 pendingDelay;
        uint32 effectBlock;
    }

    struct RegistrationStatus {
        bool registered;
        uint32 slashableUntil;
    }

    struct SlasherParams {
        address slasher;
        address pendingSlasher;
        uint32 effectBlock;
    }

    bool private _paused;
    mapping(address avs => bool registered) private _avsRegisteredMetadata;
    mapping(address avs => IAVSRegistrar registrar) private _avsRegistrar;
    mapping(bytes32 setKey => bool exists) private _setExists;
    mapping(bytes32 setKey => EnumerableSet.AddressSet strategies) private _setStrategies;
    mapping(bytes32 setKey => EnumerableSet.AddressSet operators) private _setMembers;
    mapping(bytes32 setKey => address recipient) private _redistributionRecipients;
    mapping(bytes32 setKey => SlasherParams params) private _slashers;
    mapping(bytes32 setKey => uint256 count) private _slashCounts;
    mapping(address operator => AllocationDelayInfo info) private _allocationDelays;
    mapping(address operator => mapping(bytes32 setKey => RegistrationStatus status)) private _registrations;
    mapping(address operator => mapping(bytes32 setKey => mapping(IStrategy strategy => Allocation allocation)))
        private _allocations;
    /// @dev The sets an operator ever allocated a strategy to (to sum its encumbered magnitude).
    mapping(address operator => mapping(IStrategy strategy => EnumerableSet.Bytes32Set setKeys)) private _allocatedSets;
    /// @dev Magnitude lost to slashes: the max magnitude is 1e18 less this.
    mapping(address operator => mapping(IStrategy strategy => uint64 magnitude)) private _slashedMagnitude;

    event AVSMetadataURIUpdated(address indexed avs, string metadataURI);
    event AVSRegistrarSet(address avs, IAVSRegistrar registrar);
    event OperatorSetCreated(OperatorSet operatorSet);
    event RedistributionAddressSet(OperatorSet operatorSet, address redistributionRecipient);
    event SlasherUpdated(OperatorSet operatorSet, address slasher, uint32 effectBlock);
    event StrategyAddedToOperatorSet(OperatorSet operatorSet, IStrategy strategy);
    event StrategyRemovedFromOperatorSet(OperatorSet operatorSet, IStrategy strategy);
    event AllocationDelaySet(address operator, uint32 delay, uint32 effectBlock);
    event AllocationUpdated(
        address operator,
        OperatorSet operatorSet,
        IStrategy strategy,
        uint64 magnitude,
        uint32 effectBlock
    );
    event MaxMagnitudeUpdated(address operator, IStrategy strategy, uint64 maxMagnitude);
    event OperatorAddedToOperatorSet(address indexed operator, OperatorSet operatorSet);
    event OperatorRemovedFromOperatorSet(address indexed operator, OperatorSet operatorSet);

    error InvalidPermissions();
    error CurrentlyPaused();
    error InputArrayLengthMismatch();
    error InputAddressZero();
    error InvalidAVSRegistrar();
    error InvalidCaller();
    error InvalidOperator();
    error InvalidOperatorSet();
    error InvalidRedistributionRecipient();
    error InvalidStrategy();
    error InvalidWadToSlash();
    error NonexistentAVSMetadata();
    error UninitializedAllocationDelay();
    error OperatorNotSlashable();
    error AlreadyMemberOfSet();
    error NotMemberOfSet();
    error StrategiesMustBeInAscendingOrder();
    error StrategyAlreadyInOperatorSet();
    error StrategyNotInOperatorSet();
    error SameMagnitude();
    error ModificationAlreadyPending();
    error InsufficientMagnitude();

    /// @dev The real PermissionController's default: only the account itself (it has no admins here).
    modifier checkCanCall(address account) {
        if (msg.sender != account) revert InvalidPermissions();
        _;
    }

    modifier whenNotPaused() {
        if (_paused) revert CurrentlyPaused();
        _;
    }

    /// @param delegation_ The DelegationManager stand-in.
    /// @param deallocationDelay Blocks a deallocation or deregistration stays slashable (testnets: 50).
    /// @param allocationConfigurationDelay Blocks before a changed allocation delay or slasher applies (testnets: 75).
    constructor(StandInDelegationManager delegation_, uint32 deallocationDelay, uint32 allocationConfigurationDelay) {
        delegation = delegation_;
        DEALLOCATION_DELAY = deallocationDelay;
        ALLOCATION_CONFIGURATION_DELAY = allocationConfigurationDelay;
    }

    /// @notice TEST-ONLY: pauses or unpauses slashing, allocations and (de)registration (anyone may call it).
    function setPaused(bool paused_) external {
        _paused = paused_;
    }

    // ------------------------------------------------------------------ the AVS's side

    /// @inheritdoc IAllocationManager
    function updateAVSMetadataURI(address avs, string calldata metadataURI) external checkCanCall(avs) {
        _avsRegisteredMetadata[avs] = true;
        emit AVSMetadataURIUpdated(avs, metadataURI);
    }

    /// @inheritdoc IAllocationManager
    function setAVSRegistrar(address avs, IAVSRegistrar registrar) external checkCanCall(avs) {
        if (!registrar.supportsAVS(avs)) revert InvalidAVSRegistrar();
        _avsRegistrar[avs] = registrar;
        emit AVSRegistrarSet(avs, registrar);
    }

    /// @inheritdoc IAllocationManager
    function createRedistributingOperatorSets(
        address avs,
        CreateSetParamsV2[] calldata params,
        address[] calldata redistributionRecipients
    ) external checkCanCall(avs) {
        if (params.length != redistributionRecipients.length) revert InputArrayLengthMismatch();
        if (!_avsRegisteredMetadata[avs]) revert NonexistentAVSMetadata();
        for (uint256 i = 0; i < params.length; ++i) {
            address recipient = redistributionRecipients[i];
            if (recipient == address(0)) revert InputAddressZero();
            if (recipient == DEFAULT_BURN_ADDRESS) revert InvalidRedistributionRecipient();
            OperatorSet memory operatorSet = OperatorSet(avs, params[i].operatorSetId);
            bytes32 key = _key(operatorSet);
            if (_setExists[key]) revert InvalidOperatorSet();
            _setExists[key] = true;
            emit OperatorSetCreated(operatorSet);
            _redistributionRecipients[key] = recipient;
            emit RedistributionAddressSet(operatorSet, recipient);
            for (uint256 j = 0; j < params[i].strategies.length; ++j) {
                _addStrategy(operatorSet, params[i].strategies[j]);
            }
            _updateSlasher(operatorSet, params[i].slasher, true);
        }
    }

    /// @inheritdoc IAllocationManager
    function addStrategiesToOperatorSet(
        address avs,
        uint32 operatorSetId,
        IStrategy[] calldata strategies
    ) external checkCanCall(avs) {
        OperatorSet memory operatorSet = _existingSet(avs, operatorSetId);
        for (uint256 i = 0; i < strategies.length; ++i) {
            _addStrategy(operatorSet, strategies[i]);
        }
    }

    /// @inheritdoc IAllocationManager
    function removeStrategiesFromOperatorSet(
        address avs,
        uint32 operatorSetId,
        IStrategy[] calldata strategies
    ) external checkCanCall(avs) {
        OperatorSet memory operatorSet = _existingSet(avs, operatorSetId);
        for (uint256 i = 0; i < strategies.length; ++i) {
            if (!_setStrategies[_key(operatorSet)].remove(address(strategies[i]))) revert StrategyNotInOperatorSet();
            emit StrategyRemovedFromOperatorSet(operatorSet, strategies[i]);
        }
    }

    /// @notice Replaces the set's slasher after `ALLOCATION_CONFIGURATION_DELAY` blocks (the real function).
    function updateSlasher(OperatorSet memory operatorSet, address slasher) external checkCanCall(operatorSet.avs) {
        _existingSet(operatorSet.avs, operatorSet.id);
        _updateSlasher(operatorSet, slasher, false);
    }

    /// @inheritdoc IAllocationManager
    function slashOperator(
        address avs,
        SlashingParams calldata params
    ) external whenNotPaused returns (uint256 slashId, uint256[] memory shares) {
        if (params.strategies.length != params.wadsToSlash.length) revert InputArrayLengthMismatch();
        OperatorSet memory operatorSet = _existingSet(avs, params.operatorSetId);
        if (!isOperatorSlashable(params.operator, operatorSet)) revert OperatorNotSlashable();
        if (msg.sender != getSlasher(operatorSet)) revert InvalidCaller();

        bytes32 key = _key(operatorSet);
        slashId = ++_slashCounts[key];
        shares = new uint256[](params.strategies.length);
        uint256[] memory wadSlashed = new uint256[](params.strategies.length);
        for (uint256 i = 0; i < params.strategies.length; ++i) {
            IStrategy strategy = params.strategies[i];
            if (i != 0 && address(strategy) <= address(params.strategies[i - 1])) {
                revert StrategiesMustBeInAscendingOrder();
            }
            uint256 wad = params.wadsToSlash[i];
            if (wad == 0 || wad > _WAD) revert InvalidWadToSlash();
            if (!_setStrategies[key].contains(address(strategy))) revert StrategyNotInOperatorSet();

            Allocation memory allocation = _updatedAllocation(params.operator, key, strategy);
            if (allocation.currentMagnitude == 0) continue;

            uint64 prevMaxMagnitude = getMaxMagnitude(params.operator, strategy);
            uint64 slashedMagnitude = uint64(Math.mulDiv(allocation.currentMagnitude, wad, _WAD, Math.Rounding.Ceil));
            wadSlashed[i] = Math.mulDiv(slashedMagnitude, _WAD, prevMaxMagnitude);
            allocation.currentMagnitude -= slashedMagnitude;
            if (allocation.pendingDiff < 0) {
                // A pending deallocation shrinks in proportion, so it frees less when it completes.
                uint256 pendingDecrease = uint256(uint128(-allocation.pendingDiff));
                allocation.pendingDiff += int128(uint128(Math.mulDiv(pendingDecrease, wad, _WAD, Math.Rounding.Ceil)));
            }
            _allocations[params.operator][key][strategy] = allocation;
            _slashedMagnitude[params.operator][strategy] += slashedMagnitude;
            uint64 newMaxMagnitude = prevMaxMagnitude - slashedMagnitude;
            emit AllocationUpdated(
                params.operator,
                operatorSet,
                strategy,
                allocation.currentMagnitude,
                uint32(block.number)
            );
            emit MaxMagnitudeUpdated(params.operator, strategy, newMaxMagnitude);

            shares[i] = delegation.slashOperatorShares(
                params.operator,
                operatorSet,
                slashId,
                strategy,
                prevMaxMagnitude,
                newMaxMagnitude
            );
        }
        emit OperatorSlashed(params.operator, operatorSet, params.strategies, wadSlashed, params.description);
    }

    // ------------------------------------------------------------------ the operator's side (and ejection)

    /// @notice Sets `operator`'s allocation delay: at once from the DelegationManager (registration), else by the
    /// operator after `ALLOCATION_CONFIGURATION_DELAY` + 1 blocks.
    function setAllocationDelay(address operator, uint32 delay) external {
        bool newlyRegistered = msg.sender == address(delegation);
        if (!newlyRegistered) {
            if (msg.sender != operator) revert InvalidPermissions();
            if (!delegation.isOperator(operator)) revert InvalidOperator();
        }
        AllocationDelayInfo memory info = _allocationDelays[operator];
        if (info.effectBlock != 0 && block.number >= info.effectBlock) {
            info.delay = info.pendingDelay;
            info.isSet = true;
        }
        info.pendingDelay = delay;
        info.effectBlock =
            newlyRegistered ? uint32(block.number) : uint32(block.number) + ALLOCATION_CONFIGURATION_DELAY + 1;
        _allocationDelays[operator] = info;
        emit AllocationDelaySet(operator, delay, info.effectBlock);
    }

    /// @inheritdoc IAllocationManager
    function modifyAllocations(
        address operator,
        AllocateParams[] calldata params
    ) external whenNotPaused checkCanCall(operator) {
        (bool isSet, uint32 allocationDelay) = getAllocationDelay(operator);
        if (!isSet) revert UninitializedAllocationDelay();
        for (uint256 i = 0; i < params.length; ++i) {
            if (params[i].strategies.length != params[i].newMagnitudes.length) revert InputArrayLengthMismatch();
            OperatorSet memory operatorSet = _existingSet(params[i].operatorSet.avs, params[i].operatorSet.id);
            bool operatorSlashable = isOperatorSlashable(operator, operatorSet);
            for (uint256 j = 0; j < params[i].strategies.length; ++j) {
                _modifyAllocation(
                    operator,
                    operatorSet,
                    params[i].strategies[j],
                    params[i].newMagnitudes[j],
                    operatorSlashable,
                    allocationDelay
                );
            }
        }
    }

    /// @inheritdoc IAllocationManager
    function registerForOperatorSets(
        address operator,
        RegisterParams calldata params
    ) external whenNotPaused checkCanCall(operator) {
        if (!delegation.isOperator(operator)) revert InvalidOperator();
        for (uint256 i = 0; i < params.operatorSetIds.length; ++i) {
            OperatorSet memory operatorSet = _existingSet(params.avs, params.operatorSetIds[i]);
            // Also refuses an operator that left less than DEALLOCATION_DELAY blocks ago.
            if (isOperatorSlashable(operator, operatorSet)) revert AlreadyMemberOfSet();
            bytes32 key = _key(operatorSet);
            _setMembers[key].add(operator);
            _registrations[operator][key].registered = true;
            emit OperatorAddedToOperatorSet(operator, operatorSet);
        }
        getAVSRegistrar(params.avs).registerOperator(operator, params.avs, params.operatorSetIds, params.data);
    }

    /// @inheritdoc IAllocationManager
    function deregisterFromOperatorSets(DeregisterParams calldata params) external whenNotPaused {
        if (msg.sender != params.operator && msg.sender != params.avs) revert InvalidCaller();
        for (uint256 i = 0; i < params.operatorSetIds.length; ++i) {
            OperatorSet memory operatorSet = _existingSet(params.avs, params.operatorSetIds[i]);
            bytes32 key = _key(operatorSet);
            if (!_registrations[params.operator][key].registered) revert NotMemberOfSet();
            _setMembers[key].remove(params.operator);
            _registrations[params.operator][key] = RegistrationStatus({
                registered: false,
                slashableUntil: uint32(block.number) + DEALLOCATION_DELAY
            });
            emit OperatorRemovedFromOperatorSet(params.operator, operatorSet);
        }
        getAVSRegistrar(params.avs).deregisterOperator(params.operator, params.avs, params.operatorSetIds);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IAllocationManager
    function getMinimumSlashableStake(
        OperatorSet memory operatorSet,
        address[] memory operators,
        IStrategy[] memory strategies,
        uint32 futureBlock
    ) external view returns (uint256[][] memory slashableStake) {
        slashableStake = new uint256[][](operators.length);
        for (uint256 i = 0; i < operators.length; ++i) {
            slashableStake[i] = new uint256[](strategies.length);
            if (!isOperatorSlashable(operators[i], operatorSet)) continue;
            slashableStake[i] = _stakeAt(operatorSet, operators[i], strategies, futureBlock);
        }
    }

    /// @notice Per operator and strategy, the shares allocated to the set now, slashable or not (the real view).
    function getAllocatedStake(
        OperatorSet memory operatorSet,
        address[] memory operators,
        IStrategy[] memory strategies
    ) external view returns (uint256[][] memory allocatedStake) {
        allocatedStake = new uint256[][](operators.length);
        for (uint256 i = 0; i < operators.length; ++i) {
            allocatedStake[i] = _stakeAt(operatorSet, operators[i], strategies, uint32(block.number));
        }
    }

    /// @notice `operator`'s allocation of `strategy` to `operatorSet`, with a change due by now applied.
    function getAllocation(
        address operator,
        OperatorSet memory operatorSet,
        IStrategy strategy
    ) external view returns (Allocation memory) {
        return _updatedAllocation(operator, _key(operatorSet), strategy);
    }

    /// @notice The magnitude `operator` can still allocate of `strategy` (max less encumbered).
    function getAllocatableMagnitude(address operator, IStrategy strategy) external view returns (uint64) {
        return getMaxMagnitude(operator, strategy) - _encumberedMagnitude(operator, strategy);
    }

    /// @inheritdoc IAllocationManager
    function isMemberOfOperatorSet(address operator, OperatorSet memory operatorSet) external view returns (bool) {
        return _setMembers[_key(operatorSet)].contains(operator);
    }

    /// @notice The operators registered in `operatorSet`.
    function getMembers(OperatorSet memory operatorSet) external view returns (address[] memory) {
        return _setMembers[_key(operatorSet)].values();
    }

    /// @notice Whether `operatorSet` exists.
    function isOperatorSet(OperatorSet memory operatorSet) external view returns (bool) {
        return _setExists[_key(operatorSet)];
    }

    /// @inheritdoc IAllocationManager
    function getStrategiesInOperatorSet(OperatorSet memory operatorSet) external view returns (IStrategy[] memory) {
        address[] memory values = _setStrategies[_key(operatorSet)].values();
        IStrategy[] memory strategies = new IStrategy[](values.length);
        for (uint256 i = 0; i < values.length; ++i) {
            strategies[i] = IStrategy(values[i]);
        }
        return strategies;
    }

    /// @inheritdoc IAllocationManager
    function getRedistributionRecipient(OperatorSet memory operatorSet) public view returns (address) {
        address recipient = _redistributionRecipients[_key(operatorSet)];
        return recipient == address(0) ? DEFAULT_BURN_ADDRESS : recipient;
    }

    /// @inheritdoc IAllocationManager
    function isRedistributingOperatorSet(OperatorSet memory operatorSet) external view returns (bool) {
        return getRedistributionRecipient(operatorSet) != DEFAULT_BURN_ADDRESS;
    }

    /// @notice How many slashes `operatorSet` has made (its last slash id).
    function getSlashCount(OperatorSet memory operatorSet) external view returns (uint256) {
        return _slashCounts[_key(operatorSet)];
    }

    /// @notice The contract receiving `avs`'s registration callbacks (the AVS itself when none was set).
    function getAVSRegistrar(address avs) public view returns (IAVSRegistrar) {
        IAVSRegistrar registrar = _avsRegistrar[avs];
        return address(registrar) == address(0) ? IAVSRegistrar(avs) : registrar;
    }

    /// @notice The address that may slash for `operatorSet` now.
    function getSlasher(OperatorSet memory operatorSet) public view returns (address) {
        SlasherParams memory params = _slashers[_key(operatorSet)];
        return params.effectBlock != 0 && block.number >= params.effectBlock ? params.pendingSlasher : params.slasher;
    }

    /// @notice `operator`'s allocation delay in blocks, and whether it is set.
    function getAllocationDelay(address operator) public view returns (bool isSet, uint32 delay) {
        AllocationDelayInfo memory info = _allocationDelays[operator];
        if (info.effectBlock != 0 && block.number >= info.effectBlock) return (true, info.pendingDelay);
        return (info.isSet, info.delay);
    }

    /// @inheritdoc IAllocationManager
    function isOperatorSlashable(address operator, OperatorSet memory operatorSet) public view returns (bool) {
        RegistrationStatus memory status = _registrations[operator][_key(operatorSet)];
        return status.registered || block.number <= status.slashableUntil;
    }

    /// @notice `operator`'s max magnitude of `strategy`: 1e18 less what slashes took.
    function getMaxMagnitude(address operator, IStrategy strategy) public view returns (uint64) {
        return _WAD - _slashedMagnitude[operator][strategy];
    }

    // ------------------------------------------------------------------ internals

    function _modifyAllocation(
        address operator,
        OperatorSet memory operatorSet,
        IStrategy strategy,
        uint64 newMagnitude,
        bool operatorSlashable,
        uint32 allocationDelay
    ) internal {
        bytes32 key = _key(operatorSet);
        Allocation memory allocation = _updatedAllocation(operator, key, strategy);
        if (allocation.effectBlock != 0) revert ModificationAlreadyPending();
        int128 diff = int128(uint128(newMagnitude)) - int128(uint128(allocation.currentMagnitude));
        if (diff == 0) revert SameMagnitude();
        if (diff > 0) {
            // Encumbered at once, slashable only after the operator's allocation delay.
            uint64 encumbered = _encumberedMagnitude(operator, strategy) - allocation.currentMagnitude;
            if (encumbered + newMagnitude > getMaxMagnitude(operator, strategy)) revert InsufficientMagnitude();
            allocation.pendingDiff = diff;
            allocation.effectBlock = uint32(block.number) + allocationDelay;
        } else if (
            operatorSlashable && allocation.currentMagnitude != 0 && _setStrategies[key].contains(address(strategy))
        ) {
            // Slashable through block.number + DEALLOCATION_DELAY; freed the block after.
            allocation.pendingDiff = diff;
            allocation.effectBlock = uint32(block.number) + DEALLOCATION_DELAY + 1;
        } else {
            allocation.currentMagnitude = newMagnitude;
        }
        _allocations[operator][key][strategy] = allocation;
        _allocatedSets[operator][strategy].add(key);
        emit AllocationUpdated(operator, operatorSet, strategy, newMagnitude, allocation.effectBlock);
    }

    /// @dev The allocation with a change due by now applied (the real `_getUpdatedAllocation`).
    function _updatedAllocation(
        address operator,
        bytes32 key,
        IStrategy strategy
    ) internal view returns (Allocation memory allocation) {
        allocation = _allocations[operator][key][strategy];
        if (block.number >= allocation.effectBlock) {
            allocation.currentMagnitude = _add(allocation.currentMagnitude, allocation.pendingDiff);
            allocation.pendingDiff = 0;
            allocation.effectBlock = 0;
        }
    }

    /// @dev Magnitude in use: allocations, pending increases, and deallocations not yet complete.
    function _encumberedMagnitude(address operator, IStrategy strategy) internal view returns (uint64 encumbered) {
        EnumerableSet.Bytes32Set storage keys = _allocatedSets[operator][strategy];
        for (uint256 i = 0; i < keys.length(); ++i) {
            Allocation memory allocation = _updatedAllocation(operator, keys.at(i), strategy);
            encumbered +=
                allocation.pendingDiff > 0
                    ? _add(allocation.currentMagnitude, allocation.pendingDiff)
                    : allocation.currentMagnitude;
        }
    }

    /// @dev Shares x magnitude / max magnitude, counting deallocations completing by `futureBlock` (never pending
    /// allocations), rounding down like the real view.
    function _stakeAt(
        OperatorSet memory operatorSet,
        address operator,
        IStrategy[] memory strategies,
        uint32 futureBlock
    ) internal view returns (uint256[] memory stake) {
        bytes32 key = _key(operatorSet);
        uint256[] memory shares = delegation.getOperatorShares(operator, strategies);
        stake = new uint256[](strategies.length);
        for (uint256 j = 0; j < strategies.length; ++j) {
            Allocation memory allocation = _updatedAllocation(operator, key, strategies[j]);
            uint64 magnitude = allocation.currentMagnitude;
            if (allocation.pendingDiff < 0 && futureBlock >= allocation.effectBlock) {
                magnitude = _add(magnitude, allocation.pendingDiff);
            }
            // A strategy slashed to a zero max magnitude holds nothing slashable (the real view skips it).
            uint64 maxMagnitude = getMaxMagnitude(operator, strategies[j]);
            if (maxMagnitude == 0) continue;
            uint256 proportion = Math.mulDiv(magnitude, _WAD, maxMagnitude);
            stake[j] = Math.mulDiv(shares[j], proportion, _WAD);
        }
    }

    function _addStrategy(OperatorSet memory operatorSet, IStrategy strategy) internal {
        if (strategy == BEACONCHAIN_ETH_STRAT) revert InvalidStrategy();
        if (!_setStrategies[_key(operatorSet)].add(address(strategy))) revert StrategyAlreadyInOperatorSet();
        emit StrategyAddedToOperatorSet(operatorSet, strategy);
    }

    function _updateSlasher(OperatorSet memory operatorSet, address slasher, bool instant) internal {
        if (slasher == address(0)) revert InputAddressZero();
        bytes32 key = _key(operatorSet);
        SlasherParams memory params = _slashers[key];
        if (params.effectBlock != 0 && block.number >= params.effectBlock) params.slasher = params.pendingSlasher;
        params.pendingSlasher = slasher;
        params.effectBlock = instant ? uint32(block.number) : uint32(block.number) + ALLOCATION_CONFIGURATION_DELAY + 1;
        _slashers[key] = params;
        emit SlasherUpdated(operatorSet, slasher, params.effectBlock);
    }

    function _existingSet(address avs, uint32 id) internal view returns (OperatorSet memory operatorSet) {
        operatorSet = OperatorSet(avs, id);
        if (!_setExists[_key(operatorSet)]) revert InvalidOperatorSet();
    }

    function _key(OperatorSet memory operatorSet) internal pure returns (bytes32) {
        return bytes32(abi.encodePacked(operatorSet.avs, uint96(operatorSet.id)));
    }

    function _add(uint64 a, int128 b) internal pure returns (uint64) {
        return uint64(uint128(int128(uint128(a)) + b));
    }
}
