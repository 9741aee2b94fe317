// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title TestERC1271Wallet
/// @notice A contract wallet for tests: accepts a hash when its owner's ECDSA signature over it is given.
contract TestERC1271Wallet is IERC1271 {
    bytes4 private constant _MAGIC = 0x1626ba7e;
    address private immutable _owner;

    /// @param owner_ The key holder whose signatures the wallet accepts.
    constructor(address owner_) {
        _owner = owner_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes memory signature) external view returns (bytes4) {
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(hash, signature);
        if (err == ECDSA.RecoverError.NoError && signer == _owner) return _MAGIC;
        return 0xffffffff;
    }
}
