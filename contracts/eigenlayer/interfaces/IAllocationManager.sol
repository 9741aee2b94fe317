// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAVSRegistrar} from "./IAVSRegistrar.sol";
import {IStrategy} from "./IStrategy.sol";

/// @notice An operator set: an AVS and a set id (EigenLayer's libraries/OperatorSetLib.sol).
struct OperatorSet {
    address avs;
    uint32 id;
}

/// @title IAllocationManager
/// @notice The functions, types and events of EigenLayer's AllocationManager (eigenlayer-contracts v1.12,
/// interfaces/IAllocationManager.sol) that the consortium's AVS, its tasks and its test stand-ins use; only the V2
/// (slasher-taking) overloads. Written from the published signatures (EigenLayer has no npm package);
/// test/contracts/eigenlayer/Selectors.test.ts checks the selectors.
interface IAllocationManager {
    /// @notice Parameters of a new operator set: its id, strategies and slasher.
    struct CreateSetParamsV2 {
        uint32 operatorSetId;
        IStrategy[] strategies;
        address slasher;
    }

    /// @notice A slash: `wadsToSlash[i]` (in (0, 1e18]) of the operator's allocation of `strategies[i]` (strictly
    /// ascending) to the set.
    struct SlashingParams {
        address operator;
        uint32 operatorSetId;
        IStrategy[] strategies;
        uint256[] wadsToSlash;
        string description;
    }

    /// @notice An operator's new allocation magnitudes (1e18 = all its delegated shares) to one set.
    struct AllocateParams {
        OperatorSet operatorSet;
        IStrategy[] strategies;
        uint64[] newMagnitudes;
    }

    /// @notice An operator's registration for sets of one AVS, with data for the AVS's registrar.
    struct RegisterParams {
        address avs;
        uint32[] operatorSetIds;
        bytes data;
    }

    /// @notice A deregistration of `operator` from sets of `avs` (by the operator's side or the AVS's side).
    struct DeregisterParams {
        address operator;
        address avs;
        uint32[] operatorSetIds;
    }

    /// @notice Emitted when an operator was slashed.
    event OperatorSlashed(
        address operator,
        OperatorSet operatorSet,
        IStrategy[] strategies,
        uint256[] wadSlashed,
        string description
    );

    // ------------------------------------------------------------------ the AVS's side

    /// @notice Sets `avs`'s metadata URI; the first call makes the address an AVS.
    function updateAVSMetadataURI(address avs, string calldata metadataURI) external;

    /// @notice Sets the contract that receives `avs`'s registration callbacks.
    function setAVSRegistrar(address avs, IAVSRegistrar registrar) external;

    /// @notice Creates redistributing operator sets: slashed funds of `params[i]` go to `redistributionRecipients[i]`.
    function createRedistributingOperatorSets(
        address avs,
        CreateSetParamsV2[] calldata params,
        address[] calldata redistributionRecipients
    ) external;

    /// @notice Adds strategies to an operator set.
    function addStrategiesToOperatorSet(address avs, uint32 operatorSetId, IStrategy[] calldata strategies) external;

    /// @notice Removes strategies from an operator set.
    function removeStrategiesFromOperatorSet(
        address avs,
        uint32 operatorSetId,
        IStrategy[] calldata strategies
    ) external;

    /// @notice Slashes an operator (the set's slasher only); returns the set's slash id and the shares slashed per
    /// strategy.
    function slashOperator(
        address avs,
        SlashingParams calldata params
    ) external returns (uint256 slashId, uint256[] memory shares);

    // ------------------------------------------------------------------ the operator's side (and ejection)

    /// @notice Changes `operator`'s allocations.
    function modifyAllocations(address operator, AllocateParams[] calldata params) external;

    /// @notice Registers `operator` for sets of `params.avs` (calls the AVS's registrar).
    function registerForOperatorSets(address operator, RegisterParams calldata params) external;

    /// @notice Deregisters an operator from sets (its side or the AVS's side; calls the AVS's registrar).
    function deregisterFromOperatorSets(DeregisterParams calldata params) external;

    // ------------------------------------------------------------------ views

    /// @notice Per operator and strategy, the shares slashable by the set at `futureBlock` (deallocations completing
    /// by then excluded, pending allocations never counted); 0 for an operator that is not slashable.
    function getMinimumSlashableStake(
        OperatorSet memory operatorSet,
        address[] memory operators,
        IStrategy[] memory strategies,
        uint32 futureBlock
    ) external view returns (uint256[][] memory slashableStake);

    /// @notice Whether `operator` is registered in `operatorSet`.
    function isMemberOfOperatorSet(address operator, OperatorSet memory operatorSet) external view returns (bool);

    /// @notice Whether `operator` can be slashed by `operatorSet` now (registered, or deregistered less than the
    /// deallocation delay ago).
    function isOperatorSlashable(address operator, OperatorSet memory operatorSet) external view returns (bool);

    /// @notice The strategies of `operatorSet`.
    function getStrategiesInOperatorSet(OperatorSet memory operatorSet) external view returns (IStrategy[] memory);

    /// @notice Where `operatorSet`'s slashed funds go.
    function getRedistributionRecipient(OperatorSet memory operatorSet) external view returns (address);

    /// @notice Whether `operatorSet` redistributes its slashed funds.
    function isRedistributingOperatorSet(OperatorSet memory operatorSet) external view returns (bool);

    /// @notice Blocks a deallocation takes to complete (it stays slashable until then).
    function DEALLOCATION_DELAY() external view returns (uint32);
}
