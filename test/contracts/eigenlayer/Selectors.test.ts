// The project's EigenLayer interfaces (contracts/eigenlayer/interfaces/) against the real v1.12 signatures, written
// out literally here: a wrong type in an interface shows up as a selector or topic mismatch. Then the stand-ins'
// extra functions and the events tests watch, against the real ones too.
import { expect } from "chai";
import { Interface, id } from "ethers";
import hre from "hardhat";

async function abiOf(source: string, name: string): Promise<Interface> {
  return new Interface((await hre.artifacts.readArtifact(`${source}:${name}`)).abi);
}

const OS = "(address,uint32)";

/** The real canonical signatures of every function and event each project interface declares. */
const INTERFACES: { source: string; name: string; functions: string[]; events: string[] }[] = [
  {
    source: "contracts/eigenlayer/interfaces/IAllocationManager.sol",
    name: "IAllocationManager",
    functions: [
      "updateAVSMetadataURI(address,string)",
      "setAVSRegistrar(address,address)",
      "createRedistributingOperatorSets(address,(uint32,address[],address)[],address[])",
      "addStrategiesToOperatorSet(address,uint32,address[])",
      "removeStrategiesFromOperatorSet(address,uint32,address[])",
      "slashOperator(address,(address,uint32,address[],uint256[],string))",
      `modifyAllocations(address,(${OS},address[],uint64[])[])`,
      "registerForOperatorSets(address,(address,uint32[],bytes))",
      "deregisterFromOperatorSets((address,address,uint32[]))",
      `getMinimumSlashableStake(${OS},address[],address[],uint32)`,
      `isMemberOfOperatorSet(address,${OS})`,
      `isOperatorSlashable(address,${OS})`,
      `getStrategiesInOperatorSet(${OS})`,
      `getRedistributionRecipient(${OS})`,
      `isRedistributingOperatorSet(${OS})`,
      "DEALLOCATION_DELAY()",
    ],
    events: [`OperatorSlashed(address,${OS},address[],uint256[],string)`],
  },
  {
    source: "contracts/eigenlayer/interfaces/IStrategyManager.sol",
    name: "IStrategyManager",
    functions: [
      "depositIntoStrategy(address,address,uint256)",
      `clearBurnOrRedistributableShares(${OS},uint256)`,
      `clearBurnOrRedistributableSharesByStrategy(${OS},uint256,address)`,
      `getBurnOrRedistributableShares(${OS},uint256,address)`,
    ],
    events: [],
  },
  {
    source: "contracts/eigenlayer/interfaces/IStrategy.sol",
    name: "IStrategy",
    functions: ["underlyingToken()", "sharesToUnderlyingView(uint256)"],
    events: [],
  },
  {
    source: "contracts/eigenlayer/interfaces/IAVSRegistrar.sol",
    name: "IAVSRegistrar",
    functions: [
      "registerOperator(address,address,uint32[],bytes)",
      "deregisterOperator(address,address,uint32[])",
      "supportsAVS(address)",
    ],
    events: [],
  },
  {
    source: "contracts/eigenlayer/interfaces/IDelegationManager.sol",
    name: "IDelegationManager",
    functions: [
      "registerAsOperator(address,uint32,string)",
      "delegateTo(address,(bytes,uint256),bytes32)",
      "isOperator(address)",
      "delegatedTo(address)",
      "getOperatorShares(address,address[])",
    ],
    events: [],
  },
];

/** Functions and events the stand-ins add beyond the project interfaces, as the real contracts declare them. */
const STAND_INS: { name: string; functions: string[]; events: string[] }[] = [
  {
    name: "StandInAllocationManager",
    functions: [
      `updateSlasher(${OS},address)`,
      `getSlasher(${OS})`,
      `getAllocatedStake(${OS},address[],address[])`,
      `getAllocation(address,${OS},address)`,
      "getAllocatableMagnitude(address,address)",
      "getMaxMagnitude(address,address)",
      "getAllocationDelay(address)",
      "setAllocationDelay(address,uint32)",
      `getSlashCount(${OS})`,
      `getMembers(${OS})`,
      `isOperatorSet(${OS})`,
      "getAVSRegistrar(address)",
      "ALLOCATION_CONFIGURATION_DELAY()",
    ],
    events: [
      "AVSMetadataURIUpdated(address,string)",
      "AVSRegistrarSet(address,address)",
      `OperatorSetCreated(${OS})`,
      `RedistributionAddressSet(${OS},address)`,
      `SlasherUpdated(${OS},address,uint32)`,
      `StrategyAddedToOperatorSet(${OS},address)`,
      `StrategyRemovedFromOperatorSet(${OS},address)`,
      "AllocationDelaySet(address,uint32,uint32)",
      `AllocationUpdated(address,${OS},address,uint64,uint32)`,
      "MaxMagnitudeUpdated(address,address,uint64)",
      `OperatorAddedToOperatorSet(address,${OS})`,
      `OperatorRemovedFromOperatorSet(address,${OS})`,
    ],
  },
  {
    name: "StandInDelegationManager",
    functions: [
      "operatorShares(address,address)",
      "minWithdrawalDelayBlocks()",
      `slashOperatorShares(address,${OS},uint256,address,uint64,uint64)`,
    ],
    events: [
      "OperatorRegistered(address,address)",
      "OperatorMetadataURIUpdated(address,string)",
      "StakerDelegated(address,address)",
      "OperatorSharesIncreased(address,address,address,uint256)",
      "OperatorSharesSlashed(address,address,uint256)",
    ],
  },
  {
    name: "StandInStrategyManager",
    functions: [
      "stakerDepositShares(address,address)",
      "getDeposits(address)",
      `increaseBurnOrRedistributableShares(${OS},uint256,address,uint256)`,
      `getBurnOrRedistributableCount(${OS},uint256)`,
      `getSlashResolutionBlock(${OS},uint256)`,
      "SLASH_RESOLUTION_DELAY_BLOCKS()",
    ],
    events: [
      "Deposit(address,address,uint256)",
      `BurnOrRedistributableSharesIncreased(${OS},uint256,address,uint256)`,
      `BurnOrRedistributableSharesDecreased(${OS},uint256,address,uint256)`,
    ],
  },
  {
    name: "StandInStrategy",
    functions: [
      "deposit(address,uint256)",
      "withdraw(address,address,uint256)",
      "underlyingToSharesView(uint256)",
      "totalShares()",
    ],
    events: ["ExchangeRateEmitted(uint256)"],
  },
];

const selectorOf = (signature: string) => id(signature).slice(0, 10);

describe("EigenLayer interfaces: selectors and topics against the real v1.12 signatures", function () {
  for (const { source, name, functions, events } of INTERFACES) {
    describe(name, function () {
      for (const signature of functions) {
        it(`declares ${signature}`, async function () {
          const fn = (await abiOf(source, name)).getFunction(signature.slice(0, signature.indexOf("(")));
          expect(fn?.selector, `${name} has no function ${signature}`).to.equal(selectorOf(signature));
        });
      }
      for (const signature of events) {
        it(`declares event ${signature}`, async function () {
          const event = (await abiOf(source, name)).getEvent(signature.slice(0, signature.indexOf("(")));
          expect(event?.topicHash, `${name} has no event ${signature}`).to.equal(id(signature));
        });
      }
      it("declares nothing else", async function () {
        const iface = await abiOf(source, name);
        const declared = [...iface.fragments.filter((f) => f.type === "function" || f.type === "event")].map((f) =>
          f.format("sighash"),
        );
        expect(declared.sort()).to.deep.equal([...functions, ...events].sort());
      });
    });
  }

  for (const { name, functions, events } of STAND_INS) {
    describe(`${name} (stand-in extras)`, function () {
      it("has the real signatures of its extra functions and events", async function () {
        const iface = await abiOf(`contracts/mocks/eigenlayer/${name}.sol`, name);
        for (const signature of functions) {
          expect(iface.getFunction(signature)?.selector, signature).to.equal(selectorOf(signature));
        }
        for (const signature of events) {
          expect(iface.getEvent(signature)?.topicHash, signature).to.equal(id(signature));
        }
      });
    });
  }
});
