/** Public surface of Pacer's Helix-style cluster coordination (explicit re-exports, no `export *`). */
export { NodeZkClient, type NodeZkClientOptions } from './node-zk-client';
export { ZkSessionManager, ZkUnavailableError, type ZkSessionManagerOptions, type ZkSessionCounters } from './zk-session-manager';
export type { ZkConnectionState, ZkConnectionChange, ZkConnectionListener, ZkSessionLossReason } from './zk-connection-state';
export type { ZkClient, ZkOp, ZkStat, ZkSessionEvent, ZkOpCounters } from './zk-client';
export { ZkError, ZkCode } from './zk-error';
export { HelixPaths, partitionName, parsePartitionName, ONLINE_OFFLINE } from './helix-paths';
export { parseRecord, serializeRecord, newRecord, type ZNRecord } from './zn-record';
export { setupCluster, addQueue, removeQueue, setQueuePartitions, addInstance, setInstanceEnabled, updateClusterSettings } from './cluster-setup';
export { HelixController, type HelixControllerOptions } from './controller';
export { HelixParticipant, type HelixParticipantOptions } from './participant';
export type { PartitionStateHandler } from './partition-state-handler';
export { OwnershipStateHandler } from './ownership-state-handler';
export { ZkPartitionDirectory, type DirectoryStatus } from './zk-partition-directory';
export { readClusterStatus, formatClusterStatus, statusProblems, statusExitCode, STATUS_EXIT_CODES, type ClusterStatus, type StatusProblem } from './cluster-status';
