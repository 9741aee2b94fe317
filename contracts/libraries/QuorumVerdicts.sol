// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICommitmentLedger} from "../interfaces/ICommitmentLedger.sol";
import {IStakeSource} from "../interfaces/IStakeSource.sol";
import {QuorumSignatures} from "./QuorumSignatures.sol";

/// @title QuorumVerdicts
/// @notice The operators' quorum over one EIP-712 verdict digest, as the ledger's quorum parameters require it: the
/// signers recovered (the attested member excluded), their weights at the subject's creation. Shared by the
/// attestations' IA verdicts and the transfers' off-chain settlements; each caller reverts with its own errors.
library QuorumVerdicts {
    /// @notice The tally of one verdict.
    /// @param weight Summed weight of the signers (before `refused`, when one is refused).
    /// @param count Signatures.
    /// @param refused The first signer with zero weight (not a co-signer), zero when none.
    /// @param quorumWeight The ledger's required weight.
    /// @param minSigners The ledger's required count.
    struct Tally {
        uint256 weight;
        uint256 count;
        address refused;
        uint256 quorumWeight;
        uint256 minSigners;
    }

    /// @notice Tallies `signatures` over `digest` for a subject of `excluded` created at `createdAt`.
    function tally(
        bytes32 digest,
        address excluded,
        uint64 createdAt,
        bytes calldata signatures,
        IStakeSource stake,
        ICommitmentLedger ledger
    ) internal view returns (Tally memory t) {
        address[] memory signers = QuorumSignatures.recover(digest, excluded, signatures);
        t.count = signers.length;
        uint256 refused;
        (t.weight, refused) = stake.quorumWeightOf(signers, createdAt);
        if (refused != 0) t.refused = signers[refused - 1];
        ICommitmentLedger.QuorumParams memory q = ledger.quorumParams();
        t.quorumWeight = q.quorumWeight;
        t.minSigners = q.minSigners;
    }

    /// @notice Whether `t` reaches the quorum (no refused signer, enough weight and signers).
    function reached(Tally memory t) internal pure returns (bool) {
        return t.refused == address(0) && t.weight >= t.quorumWeight && t.count >= t.minSigners;
    }
}
