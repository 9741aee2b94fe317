// Minimal human-readable ABIs of the contracts the proof-of-assets tool, the operator node and the aggregator call.
// They mirror contracts/interfaces (IReserveRegistry, IConsortiumRegistry, ICommitmentLedger, ICollateralVault,
// IAdjudicator with its IRestitutionClaims) and the ERC-20 / ERC-1271 standards; only the functions and events used
// off-chain are listed.

/** ERC-20 balance read. */
export const ERC20_ABI = ["function balanceOf(address owner) view returns (uint256)"] as const;

/** ERC-1271 signature check (magic value 0x1626ba7e). */
export const ERC1271_ABI = ["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"] as const;

/** The ERC-1271 magic value a contract wallet returns for a valid signature. */
export const ERC1271_MAGIC = "0x1626ba7e";

/** IReserveRegistry views. */
export const RESERVE_REGISTRY_ABI = [
  "function reservesOf(address member) view returns (address[])",
  "function ownerOf(address wallet) view returns (address member, uint64 registeredAt)",
  "function ownerAt(address wallet, uint64 t) view returns (address)",
  "function registrationsOf(address wallet) view returns (tuple(address member, uint64 registeredAt, uint64 removedAt)[])",
  "event ReserveRegistered(address indexed member, address indexed wallet, uint256 nonce, uint64 registeredAt)",
] as const;

/** IConsortiumRegistry views. */
export const CONSORTIUM_REGISTRY_ABI = [
  "function assetInfo(uint32 assetId) view returns (tuple(address token, uint8 decimals, bool listed, string symbol))",
  "function assetIds() view returns (uint32[])",
  "function canCoSign(address operator) view returns (bool)",
  "function keyHashAt(address member, uint64 t) view returns (uint256)",
  "function ejectionTermsOf(address member) view returns (bool ejectable, uint256 minCollateral)",
  "function collateralVault() view returns (address)",
  "function keyCount(address member) view returns (uint256)",
  "function keyAt(address member, uint256 index) view returns (tuple(uint256 keyHash, uint256 ax, uint256 ay, uint64 validFrom, uint64 validUntil))",
] as const;

/** ICollateralVault views (restitution pools are per member and token) and the event of a pool paying a claim. */
export const VAULT_ABI = [
  "function stakeOf(address member) view returns (uint256)",
  "function weightsOf(address[] signers) view returns (uint256[])",
  "function restitutionOf(address member, address token) view returns (uint256)",
  "event RestitutionReleased(address indexed member, address indexed token, address indexed to, uint256 amount)",
] as const;

const COMMITMENT = "tuple(uint32 asset, uint256 rootHash, uint128 rootSum, uint128 reserves, bytes32 blobDigest)";

/** ICommitmentLedger: what the node follows and the aggregator submits. */
export const LEDGER_ABI = [
  `function commit(uint64 t, ${COMMITMENT}[] commitments)`,
  `function respondToRequest(uint256 requestId, ${COMMITMENT}[] commitments)`,
  "function requestProof(address member, uint64 t) payable returns (uint256)",
  "function attestCommitment(address member, uint64 t, uint8 verdict, bytes32 rootsDigest, bytes32 blobDigest, bytes signatures)",
  "function attestRequest(uint256 requestId, uint8 verdict, bytes32 rootsDigest, bytes32 blobDigest, bytes signatures)",
  "function setOf(address member, uint64 t) view returns (tuple(uint8 status, uint64 committedAt, uint16 assetCount, bool declaredInsolvent, bytes32 digest))",
  "function requestOf(uint256 requestId) view returns (tuple(address member, uint64 t, uint64 deadline, uint8 status, address requester, uint96 fee, uint64 createdAt))",
  "function quorumParams() view returns (tuple(uint256 quorumWeight, uint16 minSigners, uint96 requestFee))",
  "function adjudicator() view returns (address)",
  "function publishBlobRef(uint64 t, uint32 asset, bytes ref)",
  "event RootCommitted(address indexed member, uint32 indexed asset, uint64 indexed t, uint256 rootHash, uint128 rootSum, uint128 reserves, bytes32 blobDigest)",
  "event SetCommitted(address indexed member, uint64 indexed t, bytes32 rootsDigest, bytes32 blobDigest, uint16 assetCount)",
  "event ProofRequested(uint256 indexed requestId, address indexed member, uint64 indexed t, address requester, uint64 deadline, uint96 fee)",
  "event RequestAnswered(uint256 indexed requestId, address indexed member, uint64 indexed t)",
  "event QuorumAttested(bytes32 indexed subject, address indexed member, uint64 indexed t, uint8 verdict, uint256 weight, uint256 signers)",
  "event BlobRefPublished(address indexed member, uint64 indexed t, uint32 indexed asset, bytes ref)",
] as const;

/** `IRestitutionClaims.ClaimTerms` as a human-readable ABI tuple. */
const CLAIM_TERMS = "tuple(uint32 asset, uint96 claim, uint32 round, uint256 payoutHash)";

/**
 * IAdjudicator: fraud-proof submission (LeafMismatch and RootSumMismatch), the restitution claims it books
 * (IRestitutionClaims: one slot per (member, nullifier) holding the digest of the claim's terms, which FraudProven
 * carries; claims join the member's claim round of the asset's token and are paid pro rata after the round closes,
 * only to the opening of the record's payout hash) and the ejection of a member left below its minimum collateral.
 */
export const ADJUDICATOR_ABI = [
  `function proveFraud(tuple(uint256 rootHash, uint256 keyHash, address member, uint32 asset, uint64 t, uint96 claim, uint256 nullifier, uint256 payoutHash, uint256[2] a, uint256[2][2] b, uint256[2] c) proof, ${COMMITMENT}[] set)`,
  `function proveRootSumMismatch(address member, uint64 t, uint32 asset, ${COMMITMENT}[] set, tuple(uint256[2] a, uint256[2][2] b, uint256[2] c) proof)`,
  "function isNullifierSpent(address member, uint256 nullifier) view returns (bool)",
  "function wiring() view returns (tuple(address ledger, address registry, address vault, address reputation, address verifier, address rootSumVerifier))",
  "function claimWordOf(address member, uint256 nullifier) view returns (uint256)",
  `function claimDigestOf(${CLAIM_TERMS} terms) pure returns (uint256)`,
  "function payoutHashOf(address payoutAddress, uint256 payoutSalt) pure returns (uint256)",
  `function payClaim(address member, uint256 nullifier, ${CLAIM_TERMS} terms, address payoutAddress, uint256 payoutSalt)`,
  "function settleRound(address member, address token, uint32 round)",
  `function vetoClaim(address member, uint256 nullifier, ${CLAIM_TERMS} terms, string reason)`,
  `function assignPayout(address member, uint256 nullifier, ${CLAIM_TERMS} terms, uint256 payoutHash, string reason)`,
  "function withdrawInsurance(address token)",
  "function roundOf(address member, address token, uint32 round) view returns (tuple(uint32 round, uint64 closesAt, uint256 booked, bool settled, uint256 reserved))",
  `function claimPayment(address member, ${CLAIM_TERMS} terms) view returns (uint256)`,
  "function claimTotalsOf(address token) view returns (tuple(uint256 insurance, uint256 reserved))",
  "function claimParams() view returns (tuple(uint64 claimWindow, uint16 insuranceShareBps, address insuranceFund))",
  "function ejectUndercollateralized(address member)",
  "event FraudProven(address indexed member, uint256 indexed nullifier, uint32 indexed asset, uint64 t, uint96 claim, uint256 payoutHash, uint32 round, address prover, uint256 weightSlashed)",
  "event RootSumMismatchProven(address indexed member, uint32 indexed asset, uint64 indexed t, uint256 rootHash, uint128 rootSum, address prover, uint256 weightSlashed)",
  "event ClaimPaid(address indexed member, uint256 indexed nullifier, address indexed payoutAddress, address token, uint256 amount)",
  "event RoundSettled(address indexed member, address indexed token, uint32 indexed round, uint256 pool, uint256 insurance, uint256 booked, uint256 reserved)",
  "event ClaimVetoed(address indexed member, uint256 indexed nullifier, address indexed by, string reason)",
  "event PayoutAssigned(address indexed member, uint256 indexed nullifier, uint256 payoutHash, string reason)",
  "event MemberEjectedUndercollateralized(address indexed member, uint256 stake, uint256 minCollateral, address indexed caller)",
  "error RestitutionUnknownClaim(address member, uint256 nullifier)",
  "error RestitutionClaimPaid(address member, uint256 nullifier)",
  "error RestitutionClaimVetoed(address member, uint256 nullifier)",
  "error RestitutionWrongPayout(address member, uint256 nullifier, address payoutAddress)",
  "error RestitutionRoundOpen(address member, address token, uint32 round, uint64 closesAt)",
  "error RestitutionRoundClosed(address member, address token, uint32 round, uint64 closesAt)",
  "error RestitutionUnknownRound(address member, address token, uint32 round)",
  "error AdjudicatorNullifierSpent(address member, uint256 nullifier)",
  "error AdjudicatorNotEjectable(address member)",
  "error AdjudicatorCollateralSufficient(address member, uint256 stake, uint256 minCollateral)",
] as const;

/** `ICommitmentLedger.SetStatus`. */
export const SET_STATUS = { None: 0, Pending: 1, Finalized: 2, Fraudulent: 3, Insolvent: 4 } as const;
/** `ICommitmentLedger.RequestStatus`. */
export const REQUEST_STATUS = { None: 0, Open: 1, Answered: 2, Finalized: 3, Insolvent: 4, Missed: 5 } as const;
