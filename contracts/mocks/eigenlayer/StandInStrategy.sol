// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IStrategy} from "../../eigenlayer/interfaces/IStrategy.sol";

/// @title StandInStrategy
/// @notice TEST-ONLY stand-in of EigenLayer's StrategyBase; never deploy to a real network. An ERC-20 vault whose
/// shares are priced like the real one's, with a virtual offset of 1e3 shares and 1e3 tokens: a share is worth
/// (balance + 1e3) / (totalShares + 1e3) tokens, so tokens reaching the strategy outside a deposit (`donate`, or a
/// plain transfer) raise the rate. Only the StrategyManager deposits and withdraws; it keeps the stakers' shares.
contract StandInStrategy is IStrategy {
    using SafeERC20 for IERC20;

    /// @notice The real strategy's virtual shares and virtual balance.
    uint256 internal constant _SHARES_OFFSET = 1e3;
    uint256 internal constant _BALANCE_OFFSET = 1e3;

    /// @notice The StrategyManager, the only caller of `deposit` and `withdraw`.
    address public immutable STRATEGY_MANAGER;
    IERC20 private immutable _UNDERLYING;

    /// @notice The shares in existence.
    uint256 public totalShares;

    /// @notice Emitted with the value of 1e18 shares after a deposit or withdrawal (the real event).
    event ExchangeRateEmitted(uint256 rate);

    /// @notice A caller other than the StrategyManager.
    error OnlyStrategyManager();
    /// @notice A token other than the underlying one.
    error OnlyUnderlyingToken();
    /// @notice A deposit too small to mint a share.
    error NewSharesZero();
    /// @notice A withdrawal of more shares than exist.
    error WithdrawalAmountExceedsTotalDeposits();

    modifier onlyStrategyManager() {
        if (msg.sender != STRATEGY_MANAGER) revert OnlyStrategyManager();
        _;
    }

    /// @param strategyManager The StrategyManager stand-in.
    /// @param token_ The underlying token.
    constructor(address strategyManager, IERC20 token_) {
        STRATEGY_MANAGER = strategyManager;
        _UNDERLYING = token_;
    }

    /// @notice Mints shares for `amount` of `token` the StrategyManager has just transferred in; returns them.
    function deposit(IERC20 token, uint256 amount) external onlyStrategyManager returns (uint256 newShares) {
        if (token != _UNDERLYING) revert OnlyUnderlyingToken();
        uint256 priorBalance = _UNDERLYING.balanceOf(address(this)) - amount;
        newShares = ((totalShares + _SHARES_OFFSET) * amount) / (priorBalance + _BALANCE_OFFSET);
        if (newShares == 0) revert NewSharesZero();
        totalShares += newShares;
        emit ExchangeRateEmitted(sharesToUnderlyingView(1e18));
    }

    /// @notice Burns `amountShares` and sends their tokens to `recipient`; returns the tokens sent.
    function withdraw(
        address recipient,
        IERC20 token,
        uint256 amountShares
    ) external onlyStrategyManager returns (uint256 amountOut) {
        if (token != _UNDERLYING) revert OnlyUnderlyingToken();
        if (amountShares > totalShares) revert WithdrawalAmountExceedsTotalDeposits();
        amountOut = sharesToUnderlyingView(amountShares);
        totalShares -= amountShares;
        _UNDERLYING.safeTransfer(recipient, amountOut);
        emit ExchangeRateEmitted(sharesToUnderlyingView(1e18));
    }

    /// @notice TEST-ONLY yield: pulls `amount` of the underlying token from the caller without minting shares, so every
    /// share is worth more.
    function donate(uint256 amount) external {
        _UNDERLYING.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IStrategy
    function underlyingToken() external view returns (IERC20) {
        return _UNDERLYING;
    }

    /// @inheritdoc IStrategy
    function sharesToUnderlyingView(uint256 amountShares) public view returns (uint256) {
        return
            ((_UNDERLYING.balanceOf(address(this)) + _BALANCE_OFFSET) * amountShares) / (totalShares + _SHARES_OFFSET);
    }

    /// @notice How many shares `amountUnderlying` tokens buy now (view).
    function underlyingToSharesView(uint256 amountUnderlying) external view returns (uint256) {
        return
            (amountUnderlying * (totalShares + _SHARES_OFFSET)) /
            (_UNDERLYING.balanceOf(address(this)) + _BALANCE_OFFSET);
    }
}
