// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title TestMulticall
/// @notice For tests: runs several calls in ONE transaction (a flash-loan style attacker: deposit, attest and take
/// the money back before anything else happens), forwarding value per call; any failing call reverts everything
/// with its own revert data. Accepts ETH.
contract TestMulticall {
    /// @notice One call.
    struct Call {
        address target;
        uint256 value;
        bytes data;
    }

    /// @notice Runs `calls` in order.
    function run(Call[] calldata calls) external payable returns (bytes[] memory results) {
        results = new bytes[](calls.length);
        for (uint256 i = 0; i < calls.length; ++i) {
            (bool ok, bytes memory result) = calls[i].target.call{value: calls[i].value}(calls[i].data);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(result, 32), mload(result))
                }
            }
            results[i] = result;
        }
    }

    receive() external payable {}
}
