// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IStrategy} from "./IStrategy.sol";

/// @title IDelegationManager
/// @notice The functions of EigenLayer's DelegationManager (eigenlayer-contracts v1.12,
/// interfaces/IDelegationManager.sol) that a member's operator and its stakers use: registering as an operator,
/// delegating to it, and reading its delegated shares. Written from the published signatures (EigenLayer has no npm
/// package); test/contracts/eigenlayer/Selectors.test.ts checks the selectors. The real contract also has the public
/// storage getter `operatorShares(address, IStrategy)`; its interface declares `getOperatorShares`, used here.
interface IDelegationManager {
    /// @notice A signature and the timestamp after which it is void: the real
    /// `ISignatureUtilsMixinTypes.SignatureWithExpiry` (interfaces/ISignatureUtilsMixin.sol), the same ABI tuple
    /// `(bytes,uint256)`.
    struct SignatureWithExpiry {
        bytes signature;
        uint256 expiry;
    }

    /// @notice Registers the caller as an operator (delegated to itself) with its allocation delay in blocks.
    function registerAsOperator(
        address initDelegationApprover,
        uint32 allocationDelay,
        string calldata metadataURI
    ) external;

    /// @notice Delegates the caller's shares to `operator`; the signature and salt are used only when the operator has
    /// a delegation approver.
    function delegateTo(
        address operator,
        SignatureWithExpiry memory approverSignatureAndExpiry,
        bytes32 approverSalt
    ) external;

    /// @notice Whether `operator` has registered as an operator.
    function isOperator(address operator) external view returns (bool);

    /// @notice The operator `staker` is delegated to (zero when none).
    function delegatedTo(address staker) external view returns (address);

    /// @notice The shares delegated to `operator` in each of `strategies`.
    function getOperatorShares(
        address operator,
        IStrategy[] memory strategies
    ) external view returns (uint256[] memory);
}
