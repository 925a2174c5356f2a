/**
 * Every ZooKeeper path of a Pacer cluster, in Helix's layout (MODEL §2.1). Nothing else builds
 * cluster paths by hand. Documented in docs/pacer-cluster.md.
 */

export const ONLINE_OFFLINE = 'OnlineOffline';

export class HelixPaths {
  readonly root: string;

  constructor(readonly cluster: string) {
    if (!/^[A-Za-z0-9_.-]+$/.test(cluster)) throw new Error(`invalid cluster name '${cluster}'`);
    this.root = `/${cluster}`;
  }

  configs(): string {
    return `${this.root}/CONFIGS`;
  }
  clusterConfigs(): string {
    return `${this.root}/CONFIGS/CLUSTER`;
  }
  clusterConfig(): string {
    return `${this.root}/CONFIGS/CLUSTER/${this.cluster}`;
  }
  participantConfigs(): string {
    return `${this.root}/CONFIGS/PARTICIPANT`;
  }
  instanceConfig(instance: string): string {
    return `${this.root}/CONFIGS/PARTICIPANT/${instance}`;
  }
  resourceConfigs(): string {
    return `${this.root}/CONFIGS/RESOURCE`;
  }
  idealStates(): string {
    return `${this.root}/IDEALSTATES`;
  }
  idealState(resource: string): string {
    return `${this.root}/IDEALSTATES/${resource}`;
  }
  externalViews(): string {
    return `${this.root}/EXTERNALVIEW`;
  }
  externalView(resource: string): string {
    return `${this.root}/EXTERNALVIEW/${resource}`;
  }
  stateModelDefs(): string {
    return `${this.root}/STATEMODELDEFS`;
  }
  stateModelDef(name: string = ONLINE_OFFLINE): string {
    return `${this.root}/STATEMODELDEFS/${name}`;
  }
  liveInstances(): string {
    return `${this.root}/LIVEINSTANCES`;
  }
  liveInstance(instance: string): string {
    return `${this.root}/LIVEINSTANCES/${instance}`;
  }
  instances(): string {
    return `${this.root}/INSTANCES`;
  }
  instance(instance: string): string {
    return `${this.root}/INSTANCES/${instance}`;
  }
  messages(instance: string): string {
    return `${this.instance(instance)}/MESSAGES`;
  }
  message(instance: string, msgId: string): string {
    return `${this.instance(instance)}/MESSAGES/${msgId}`;
  }
  currentStates(instance: string): string {
    return `${this.instance(instance)}/CURRENTSTATES`;
  }
  sessionCurrentStates(instance: string, session: string): string {
    return `${this.instance(instance)}/CURRENTSTATES/${session}`;
  }
  currentState(instance: string, session: string, resource: string): string {
    return `${this.instance(instance)}/CURRENTSTATES/${session}/${resource}`;
  }
  statusUpdates(instance: string): string {
    return `${this.instance(instance)}/STATUSUPDATES`;
  }
  errors(instance: string): string {
    return `${this.instance(instance)}/ERRORS`;
  }
  /** ParticipantHistory: LAST_OFFLINE_TIME, used by the delayed rebalance. */
  instanceHistory(instance: string): string {
    return `${this.instance(instance)}/HISTORY`;
  }
  propertyStore(): string {
    return `${this.root}/PROPERTYSTORE`;
  }
  controller(): string {
    return `${this.root}/CONTROLLER`;
  }
  controllerLeader(): string {
    return `${this.root}/CONTROLLER/LEADER`;
  }
  controllerHistory(): string {
    return `${this.root}/CONTROLLER/HISTORY`;
  }
  controllerMessages(): string {
    return `${this.root}/CONTROLLER/MESSAGES`;
  }
  controllerErrors(): string {
    return `${this.root}/CONTROLLER/ERRORS`;
  }
  controllerStatusUpdates(): string {
    return `${this.root}/CONTROLLER/STATUSUPDATES`;
  }
  controllerPause(): string {
    return `${this.root}/CONTROLLER/PAUSE`;
  }

  /** The persistent nodes that make a cluster "set up" (Helix `ZKUtil.isClusterSetup`). */
  clusterSkeleton(): string[] {
    return [
      this.root,
      this.configs(),
      this.clusterConfigs(),
      this.participantConfigs(),
      this.resourceConfigs(),
      this.idealStates(),
      this.externalViews(),
      this.stateModelDefs(),
      this.liveInstances(),
      this.instances(),
      this.propertyStore(),
      this.controller(),
      this.controllerMessages(),
      this.controllerErrors(),
      this.controllerStatusUpdates(),
      this.controllerHistory(),
    ];
  }

  /** The nodes that make an instance "set up" (Helix `ZKUtil.isInstanceSetup`), config aside. */
  instanceSkeleton(instance: string): string[] {
    return [
      this.instance(instance),
      this.messages(instance),
      this.currentStates(instance),
      this.statusUpdates(instance),
      this.errors(instance),
    ];
  }
}

/** Helix partition names are `{resource}_{n}`; a Pacer resource is a queue. */
export function partitionName(queue: string, partition: number): string {
  return `${queue}_${partition}`;
}

/** Splits `{resource}_{n}` at the last underscore (queue names may contain underscores). */
export function parsePartitionName(name: string): { queue: string; partition: number } | undefined {
  const at = name.lastIndexOf('_');
  if (at <= 0) return undefined;
  const partition = Number(name.slice(at + 1));
  if (!Number.isInteger(partition) || partition < 0) return undefined;
  return { queue: name.slice(0, at), partition };
}
