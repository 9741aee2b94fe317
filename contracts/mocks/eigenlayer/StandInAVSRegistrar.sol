// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAVSRegistrar} from "../../eigenlayer/interfaces/IAVSRegistrar.sol";

/// @title StandInAVSRegistrar
/// @notice TEST-ONLY minimal AVS registrar (like eigenlayer-middleware's middlewareV2 AVSRegistrar); never deploy to
/// a real network. Serves one AVS, accepts callbacks from the AllocationManager only, and refuses registrations while
/// told to, so tests can drive the AllocationManager stand-in's registration paths.
contract StandInAVSRegistrar is IAVSRegistrar {
    /// @notice The AVS served.
    address public immutable AVS;
    /// @notice The only caller of the callbacks.
    address public immutable ALLOCATION_MANAGER;
    /// @notice Whether registrations are refused.
    bool public refusing;

    /// @notice A registration accepted.
    event OperatorRegistered(address operator, address avs, uint32[] operatorSetIds, bytes data);
    /// @notice A deregistration seen.
    event OperatorDeregistered(address operator, address avs, uint32[] operatorSetIds);

    /// @notice A callback from another caller than the AllocationManager.
    error OnlyAllocationManager();
    /// @notice A registration refused (`refusing`).
    error RegistrationRefused();

    /// @param avs The AVS served.
    /// @param allocationManager The AllocationManager (stand-in).
    constructor(address avs, address allocationManager) {
        AVS = avs;
        ALLOCATION_MANAGER = allocationManager;
    }

    modifier onlyAllocationManager() {
        if (msg.sender != ALLOCATION_MANAGER) revert OnlyAllocationManager();
        _;
    }

    /// @notice TEST-ONLY: refuse (or accept again) registrations.
    function setRefusing(bool refusing_) external {
        refusing = refusing_;
    }

    /// @inheritdoc IAVSRegistrar
    function registerOperator(
        address operator,
        address avs,
        uint32[] calldata operatorSetIds,
        bytes calldata data
    ) external onlyAllocationManager {
        if (refusing) revert RegistrationRefused();
        emit OperatorRegistered(operator, avs, operatorSetIds, data);
    }

    /// @inheritdoc IAVSRegistrar
    function deregisterOperator(
        address operator,
        address avs,
        uint32[] calldata operatorSetIds
    ) external onlyAllocationManager {
        emit OperatorDeregistered(operator, avs, operatorSetIds);
    }

    /// @inheritdoc IAVSRegistrar
    function supportsAVS(address avs) external view returns (bool) {
        return avs == AVS;
    }
}
