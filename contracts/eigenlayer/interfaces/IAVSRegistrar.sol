// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IAVSRegistrar
/// @notice EigenLayer's registrar callbacks (eigenlayer-contracts v1.12, interfaces/IAVSRegistrar.sol): the
/// AllocationManager calls them when an operator registers for or deregisters from an AVS's operator sets; a revert
/// refuses a registration. Written from the published signatures.
interface IAVSRegistrar {
    /// @notice Called by the AllocationManager when `operator` registers for `operatorSetIds` of `avs`.
    function registerOperator(
        address operator,
        address avs,
        uint32[] calldata operatorSetIds,
        bytes calldata data
    ) external;

    /// @notice Called by the AllocationManager when `operator` leaves (or is removed from) `operatorSetIds` of `avs`.
    function deregisterOperator(address operator, address avs, uint32[] calldata operatorSetIds) external;

    /// @notice Whether this registrar serves `avs` (`setAVSRegistrar` requires it).
    function supportsAVS(address avs) external view returns (bool);
}
