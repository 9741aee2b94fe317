// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Vm
/// @notice The subset of the standard HEVM cheatcodes the project's Solidity tests use (Hardhat 3 / EDR serves them
/// at VM_ADDRESS). There is no forge-std in this repository.
interface Vm {
    /// @notice Set block.timestamp.
    function warp(uint256 newTimestamp) external;

    /// @notice Make the next call come from `msgSender`.
    function prank(address msgSender) external;

    /// @notice Make every following call come from `msgSender` until stopPrank.
    function startPrank(address msgSender) external;

    /// @notice End startPrank.
    function stopPrank() external;

    /// @notice Set the ETH balance of `account`.
    function deal(address account, uint256 newBalance) external;

    /// @notice Expect the next call to revert with exactly `revertData`.
    function expectRevert(bytes calldata revertData) external;

    /// @notice Expect the next call to revert with this selector.
    function expectRevert(bytes4 revertData) external;

    /// @notice Discard the current fuzz input when `condition` is false.
    function assume(bool condition) external;

    /// @notice Sign `digest` with `privateKey` (secp256k1, low s).
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);

    /// @notice The address of `privateKey`.
    function addr(uint256 privateKey) external pure returns (address keyAddr);

    /// @notice Give `account` a label in traces.
    function label(address account, string calldata newLabel) external;
}

/// @dev Where the cheatcodes live: address(uint160(uint256(keccak256("hevm cheat code")))).
address constant VM_ADDRESS = 0x7109709ECfa91a80626fF3989D68f67F5b1DD12D;
