// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {RestitutionClaims} from "../RestitutionClaims.sol";

/// @title TestRestitutionClaims
/// @notice Test harness of the claim book alone: each member's pool is a ledger entry of this contract's own ETH
/// (asset 1, funded with `fundEth`) or of one ERC-20 (asset 2, funded with `fundToken`), and anyone may book a claim.
/// A settled round's money stays in this contract (taking it from a pool only moves it on the books). The deployer is
/// governance and the only vetoer; the unbonding delay is `UNBONDING_DELAY`.
contract TestRestitutionClaims is RestitutionClaims {
    using SafeERC20 for IERC20;

    /// @notice The asset id paid in `token`; every other asset is paid in ETH.
    uint32 public constant TOKEN_ASSET = 2;
    /// @notice The registry unbonding delay this harness stands in for.
    uint64 public constant UNBONDING_DELAY = 3 days;

    address private immutable _TOKEN;
    address private immutable _GOVERNANCE;
    mapping(address member => mapping(address token => uint256 amount)) private _pools;

    /// @notice Only the deployer governs the harness.
    error TestRestitutionClaimsNotGovernance(address caller);

    /// @param token_ The ERC-20 that claims in TOKEN_ASSET are paid in.
    /// @param params The claim parameters.
    constructor(address token_, ClaimParams memory params) {
        _TOKEN = token_;
        _GOVERNANCE = msg.sender;
        _setClaimParams(params);
    }

    /// @notice Adds the ETH sent to `member`'s pool.
    function fundEth(address member) external payable {
        _pools[member][address(0)] += msg.value;
    }

    /// @notice Pulls `amount` of the token from the caller into `member`'s pool (approve first).
    function fundToken(address member, uint256 amount) external {
        IERC20(_TOKEN).safeTransferFrom(msg.sender, address(this), amount);
        _pools[member][_TOKEN] += amount;
    }

    /// @notice Books `amount` of `asset` against `member` for `payoutHash` under `nullifier` (anyone; a test harness).
    /// @return booked False, with nothing written, when the nullifier already has a claim against `member`.
    /// @return round The round the claim joined.
    function book(
        address member,
        uint256 nullifier,
        uint32 asset,
        uint96 amount,
        uint256 payoutHash
    ) external returns (bool booked, uint32 round) {
        return _bookClaim(member, nullifier, _claimToken(asset), asset, amount, payoutHash);
    }

    /// @notice The token claims in `asset` are paid in.
    function claimToken(uint32 asset) external view returns (address) {
        return _claimToken(asset);
    }

    /// @notice What `member`'s pool holds of `token`.
    function poolHolding(address member, address token) external view returns (uint256) {
        return _poolHolding(member, token);
    }

    function _claimToken(uint32 asset) internal view override returns (address) {
        return asset == TOKEN_ASSET ? _TOKEN : address(0);
    }

    function _poolHolding(address member, address token) internal view override returns (uint256) {
        return _pools[member][token];
    }

    function _takeFromPool(address member, address token, uint256 amount) internal override {
        _pools[member][token] -= amount;
    }

    function _beforeSettle(address, uint64) internal pure override returns (uint256) {
        return 0;
    }

    function _unbondingDelay() internal pure override returns (uint64) {
        return UNBONDING_DELAY;
    }

    function _isVetoer(address account) internal view override returns (bool) {
        return account == _GOVERNANCE;
    }

    function _checkGovernance() internal view override {
        if (msg.sender != _GOVERNANCE) revert TestRestitutionClaimsNotGovernance(msg.sender);
    }
}
