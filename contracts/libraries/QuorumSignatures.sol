// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "../interfaces/ICommitmentLedger.sol";

/// @title QuorumSignatures
/// @notice Recovers the signers of a quorum's concatenated 65-byte `r || s || v` ECDSA signatures over one digest.
/// Refused, with the ledger's errors (callers decode one error set): an empty blob or one whose length is not a
/// multiple of 65 (`CommitmentLedgerMalformedSignatures`); a signature that recovers no address, including every `s`
/// above half the secp256k1 order (EIP-2: the high-s twin of a valid signature is refused, not a second vote) and
/// every `v` other than 27 or 28 (`CommitmentLedgerInvalidSignature`, at its index); signers not strictly ascending,
/// which also refuses a duplicate (`CommitmentLedgerSignersNotSorted`); the excluded address (the member whose data is
/// attested) among the signers (`CommitmentLedgerSelfAttestation`). Whether a signer is an operator, and the quorum's
/// weight, are the caller's to check (the ledger asks the vault).
library QuorumSignatures {
    /// @notice Length of one signature: `r` (32 bytes), `s` (32 bytes), `v` (1 byte).
    uint256 internal constant SIGNATURE_LENGTH = 65;
    /// @notice Half the secp256k1 group order: signatures with a higher `s` are refused.
    uint256 internal constant HALF_ORDER = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0;

    /// @notice The signers of `signatures` over `digest`, in their (strictly ascending) order.
    /// @param digest The signed digest (EIP-712).
    /// @param excluded An address that may not sign (the attested member).
    /// @param signatures The concatenated signatures.
    /// @return signers One address per signature.
    function recover(
        bytes32 digest,
        address excluded,
        bytes calldata signatures
    ) internal view returns (address[] memory signers) {
        uint256 length = signatures.length;
        if (length == 0 || length % SIGNATURE_LENGTH != 0) {
            revert ICommitmentLedger.CommitmentLedgerMalformedSignatures(length);
        }
        uint256 count = length / SIGNATURE_LENGTH;
        signers = new address[](count);
        uint256 failure = 0;
        uint256 at = 0;
        address signer = address(0);
        address previous = address(0);
        // Per signer: ecrecover (precompile 0x01) from calldata, strictly ascending, not the excluded address. Stops
        // at the first failure with `failure` = 1 (no signer: bad signature or high s), 2 (not ascending) or 3 (the
        // excluded address), which the errors below report.
        assembly ("memory-safe") {
            // Scratch past the free pointer (never allocated): the precompile input (digest, v, r, s).
            let input := mload(0x40)
            mstore(input, digest)
            for {} lt(at, count) {
                at := add(at, 1)
            } {
                let offset := add(signatures.offset, mul(at, SIGNATURE_LENGTH))
                mstore(add(input, 32), byte(0, calldataload(add(offset, 64))))
                calldatacopy(add(input, 64), offset, 64)
                mstore(0x00, 0)
                let ok := and(
                    iszero(gt(calldataload(add(offset, 32)), HALF_ORDER)),
                    staticcall(gas(), 0x01, input, 128, 0x00, 32)
                )
                signer := mload(0x00)
                // A zero signer (failed recovery) is never above `previous`: one comparison catches both.
                if iszero(and(ok, gt(signer, previous))) {
                    failure := add(1, and(ok, iszero(iszero(signer))))
                    break
                }
                if eq(signer, excluded) {
                    failure := 3
                    break
                }
                mstore(add(add(signers, 32), shl(5, at)), signer)
                previous := signer
            }
        }
        if (failure == 1) revert ICommitmentLedger.CommitmentLedgerInvalidSignature(at);
        if (failure == 2) revert ICommitmentLedger.CommitmentLedgerSignersNotSorted(at, signer, previous);
        if (failure == 3) revert ICommitmentLedger.CommitmentLedgerSelfAttestation(excluded);
    }
}
