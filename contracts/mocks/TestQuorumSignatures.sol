// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {QuorumSignatures} from "../libraries/QuorumSignatures.sol";

/// @title TestQuorumSignatures
/// @notice Test harness: exposes `QuorumSignatures.recover` (an internal library function over calldata) externally.
contract TestQuorumSignatures {
    /// @notice `QuorumSignatures.recover(digest, excluded, signatures)`.
    function recover(
        bytes32 digest,
        address excluded,
        bytes calldata signatures
    ) external view returns (address[] memory) {
        return QuorumSignatures.recover(digest, excluded, signatures);
    }
}
