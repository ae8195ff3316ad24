//! ABI of the PoCo 6.1.0 contracts used by the oracle (`sol!` declarations matching the
//! npm artifacts' ABIs).

#![allow(missing_docs, clippy::too_many_arguments)]

use alloy_sol_types::sol;

sol! {
    /// `IDiamond.FacetCut`
    struct FacetCut { address facetAddress; uint8 action; bytes4[] functionSelectors; }
    /// `DiamondArgs`
    struct DiamondArgs { address owner; address init; bytes initCalldata; }

    function diamondCut(FacetCut[] _diamondCut, address _init, bytes _calldata) external;

    struct AppOrder { address app; uint256 appprice; uint256 volume; bytes32 tag; address datasetrestrict; address workerpoolrestrict; address requesterrestrict; bytes32 salt; bytes sign; }
    struct DatasetOrder { address dataset; uint256 datasetprice; uint256 volume; bytes32 tag; address apprestrict; address workerpoolrestrict; address requesterrestrict; bytes32 salt; bytes sign; }
    struct WorkerpoolOrder { address workerpool; uint256 workerpoolprice; uint256 volume; bytes32 tag; uint256 category; uint256 trust; address apprestrict; address datasetrestrict; address requesterrestrict; bytes32 salt; bytes sign; }
    struct RequestOrder { address app; uint256 appmaxprice; address dataset; uint256 datasetmaxprice; address workerpool; uint256 workerpoolmaxprice; address requester; uint256 volume; bytes32 tag; uint256 category; uint256 trust; address beneficiary; address callback; string params; bytes32 salt; bytes sign; }

    struct AppOrderOperation { AppOrder order; uint8 operation; bytes sign; }
    struct DatasetOrderOperation { DatasetOrder order; uint8 operation; bytes sign; }
    struct WorkerpoolOrderOperation { WorkerpoolOrder order; uint8 operation; bytes sign; }
    struct RequestOrderOperation { RequestOrder order; uint8 operation; bytes sign; }

    struct Resource { address pointer; address owner; uint256 price; }
    struct Deal { Resource app; Resource dataset; Resource workerpool; uint256 trust; uint256 category; bytes32 tag; address requester; address beneficiary; address callback; string params; uint256 startTime; uint256 botFirst; uint256 botSize; uint256 workerStake; uint256 schedulerRewardRatio; address sponsor; }
    struct Task { uint8 status; bytes32 dealid; uint256 idx; uint256 timeref; uint256 contributionDeadline; uint256 revealDeadline; uint256 finalDeadline; bytes32 consensusValue; uint256 revealCounter; uint256 winnerCounter; address[] contributors; bytes32 resultDigest; bytes results; uint256 resultsTimestamp; bytes resultsCallback; }
    struct Contribution { uint8 status; bytes32 resultHash; bytes32 resultSeal; address enclaveChallenge; uint256 weight; }
    struct Account { uint256 stake; uint256 locked; }
    struct Category { string name; string description; uint256 workClockTimeRef; }
    struct DealBoost { address appOwner; uint96 appPrice; address datasetOwner; uint96 datasetPrice; address workerpoolOwner; uint96 workerpoolPrice; address requester; uint96 workerReward; address callback; uint40 deadline; uint16 botFirst; uint16 botSize; bytes3 shortTag; address sponsor; }

    // configuration
    function configure(address _token, string _name, string _symbol, uint8 _decimal, address _appregistryAddress, address _datasetregistryAddress, address _workerpoolregistryAddress, address _v3_iexecHubAddress) external;
    function createCategory(string name, string description, uint256 workClockTimeRef) external returns (uint256);
    function setTeeBroker(address _teebroker) external;
    function setCallbackGas(uint256 _callbackgas) external;

    // escrow (token facet)
    function deposit(uint256 amount) external returns (bool);
    function depositFor(uint256 amount, address target) external returns (bool);
    function withdraw(uint256 amount) external returns (bool);
    function withdrawTo(uint256 amount, address target) external returns (bool);

    // Poco1
    function matchOrders(AppOrder _apporder, DatasetOrder _datasetorder, WorkerpoolOrder _workerpoolorder, RequestOrder _requestorder) external returns (bytes32);
    function sponsorMatchOrders(AppOrder _apporder, DatasetOrder _datasetorder, WorkerpoolOrder _workerpoolorder, RequestOrder _requestorder) external returns (bytes32);
    function verifySignature(address _identity, bytes32 _hash, bytes _signature) external view returns (bool);

    // Poco2
    function initialize(bytes32 _dealid, uint256 idx) external returns (bytes32);
    function contribute(bytes32 _taskid, bytes32 _resultHash, bytes32 _resultSeal, address _enclaveChallenge, bytes _enclaveSign, bytes _authorizationSign) external;
    function reveal(bytes32 _taskid, bytes32 _resultDigest) external;
    function reopen(bytes32 _taskid) external;
    function finalize(bytes32 _taskid, bytes _results, bytes _resultsCallback) external;
    function contributeAndFinalize(bytes32 _taskid, bytes32 _resultDigest, bytes _results, bytes _resultsCallback, address _enclaveChallenge, bytes _enclaveSign, bytes _authorizationSign) external;
    function claim(bytes32 _taskid) external;
    function initializeArray(bytes32[] _dealid, uint256[] _idx) external returns (bool);
    function claimArray(bytes32[] _taskid) external returns (bool);
    function initializeAndClaimArray(bytes32[] _dealid, uint256[] _idx) external returns (bool);

    // order management
    function manageAppOrder(AppOrderOperation _apporderoperation) external;
    function manageDatasetOrder(DatasetOrderOperation _datasetorderoperation) external;
    function manageWorkerpoolOrder(WorkerpoolOrderOperation _workerpoolorderoperation) external;
    function manageRequestOrder(RequestOrderOperation _requestorderoperation) external;

    // Boost
    function matchOrdersBoost(AppOrder appOrder, DatasetOrder datasetOrder, WorkerpoolOrder workerpoolOrder, RequestOrder requestOrder) external returns (bytes32);
    function sponsorMatchOrdersBoost(AppOrder appOrder, DatasetOrder datasetOrder, WorkerpoolOrder workerpoolOrder, RequestOrder requestOrder) external returns (bytes32);
    function pushResultBoost(bytes32 dealId, uint256 index, bytes results, bytes resultsCallback, bytes authorizationSign, address enclaveChallenge, bytes enclaveSign) external;
    function claimBoost(bytes32 dealId, uint256 index) external;

    // accessors
    function eip712domain_separator() external view returns (bytes32);
    function viewAccount(address account) external view returns (Account);
    function viewScore(address _worker) external view returns (uint256);
    function viewDeal(bytes32 id) external view returns (Deal);
    function viewDealBoost(bytes32 id) external view returns (DealBoost);
    function viewTask(bytes32 id) external view returns (Task);
    function viewContribution(bytes32 _taskid, address _worker) external view returns (Contribution);
    function viewConsumed(bytes32 _id) external view returns (uint256);
    function viewPresigned(bytes32 _id) external view returns (address);
    function viewCategory(uint256 _catid) external view returns (Category);
    function countCategory() external view returns (uint256);
    function callbackgas() external view returns (uint256);
    function teebroker() external view returns (address);
    function token() external view returns (address);
    function totalSupply() external view returns (uint256);
    function name() external view returns (string);

    // IexecLibOrders_v5 public library functions (called on the library itself)
    function hash(AppOrder _apporder) external pure returns (bytes32);
    function hash(WorkerpoolOrder _workerpoolorder) external pure returns (bytes32);
    function hash(RequestOrder _requestorder) external pure returns (bytes32);

    // registries
    function initialize(address _previous) external;
    function setBaseURI(string _baseURI) external;
    function createApp(address _appOwner, string _appName, string _appType, bytes _appMultiaddr, bytes32 _appChecksum, bytes _appMREnclave) external returns (address);
    function createDataset(address _datasetOwner, string _datasetName, bytes _datasetMultiaddr, bytes32 _datasetChecksum) external returns (address);
    function createWorkerpool(address _workerpoolOwner, string _workerpoolDescription) external returns (address);
    function changePolicy(uint256 _newWorkerStakeRatioPolicy, uint256 _newSchedulerRewardRatioPolicy) external;
    function owner() external view returns (address);

    // RLC (solc 0.4.24)
    function approve(address spender, uint256 value) external returns (bool);
    function approveAndCall(address spender, uint256 value, bytes extraData) external returns (bool);
    function transfer(address to, uint256 value) external returns (bool);
    function balanceOf(address who) external view returns (uint256);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    function allowance(address account, address spender) external view returns (uint256);

    // errors
    error Error(string message);
    error Panic(uint256 code);
    error IncompatibleDatasetOrder(string reason);
    error SafeCastOverflowedUintDowncast(uint8 bits, uint256 value);
    error FunctionNotFound(bytes4 _functionSelector);
}
