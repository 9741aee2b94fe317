// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title TestRejectingReceiver
/// @notice For tests: refuses ETH while `rejecting` is set, and can call any contract (to act as a member).
contract TestRejectingReceiver {
    /// @notice Whether incoming ETH is refused.
    bool public rejecting = true;

    /// @notice Refused ETH.
    error TestRejectingReceiverRefused();

    /// @notice Toggle refusing ETH.
    function setRejecting(bool value) external {
        rejecting = value;
    }

    /// @notice Forward a call (tests use it to act as a member or claimant).
    function execute(address target, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory result) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
        return result;
    }

    receive() external payable {
        if (rejecting) revert TestRejectingReceiverRefused();
    }
}
