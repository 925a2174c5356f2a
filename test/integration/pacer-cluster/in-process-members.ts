/**
 * In-process members of a real Pacer cluster for integration tests: dequeue brokers (a
 * `DequeueBroker` behind a real Thrift `BrokerServer` on 127.0.0.1:0, joined through
 * `ClusterMembership`, exactly as `pacer/src/broker/main.ts` wires them) and controllers
 * (`HelixController`). Faster than processes; every member has `close()`.
 */
import { silentLogger } from '../../../core/src/logging/logger';
import { systemClock } from '../../../core/src/util/clock';
import { ClusterMembership } from '../../../pacer/src/broker/cluster-membership';
import { createDequeueBroker } from '../../../pacer/src/broker/create-dequeue-broker';
import type { DequeueBroker } from '../../../pacer/src/broker/dequeue-broker';
import { HelixController } from '../../../pacer/src/coordination/controller';
import { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';
import { BrokerServer } from '../../../pacer/src/rpc/broker-server';
import type { PacerDb } from '../pacer-fixtures';

export interface ClusterTarget {
  readonly zkConnect: string;
  readonly cluster: string;
  readonly sessionTimeoutMs: number;
}

export class InProcessBroker {
  private closed = false;

  private constructor(readonly id: string, readonly broker: DequeueBroker, readonly server: BrokerServer, readonly membership: ClusterMembership) {}

  static async start(id: string, target: ClusterTarget, fx: PacerDb): Promise<InProcessBroker> {
    const logger = silentLogger();
    const broker = createDequeueBroker({ brokerId: id, mysql: fx.mysql, logger, monitor: { enabled: false } });
    const server = await BrokerServer.listen(broker, '127.0.0.1', 0, logger).catch(async (e: unknown) => {
      await broker.close();
      throw e;
    });
    try {
      const membership = await ClusterMembership.join({
        zkConnect: target.zkConnect, cluster: target.cluster, sessionTimeoutMs: target.sessionTimeoutMs, instance: id,
        endpoint: { host: '127.0.0.1', port: server.port }, ownership: broker, clock: systemClock, logger,
      });
      return new InProcessBroker(id, broker, server, membership);
    } catch (e) {
      await server.close();
      await broker.close();
      throw e;
    }
  }

  /** Broker shutdown as on SIGTERM: hand-off (drain), then server and broker. */
  async stop(drainTimeoutMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.membership.leave(drainTimeoutMs, 0);
    await this.server.close();
    await this.broker.close();
  }

  /** Abrupt stop: the session ends without a hand-off. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.membership.close();
    await this.server.close();
    await this.broker.close();
  }
}

/** A controller with its own session manager, as in a controller process; `close()` ends both. */
export class InProcessController {
  private constructor(readonly controller: HelixController, private readonly sessions: ZkSessionManager) {}

  static async start(name: string, target: ClusterTarget): Promise<InProcessController> {
    const sessions = ZkSessionManager.forConnectString(
      { connectString: target.zkConnect, sessionTimeoutMs: target.sessionTimeoutMs },
      { name, clock: systemClock, logger: silentLogger() },
    );
    await sessions.start();
    const controller = new HelixController({ cluster: target.cluster, name, clock: systemClock, logger: silentLogger(), periodicRunMs: 2000, sessions });
    try {
      await controller.start();
    } catch (e) {
      await sessions.close();
      throw e;
    }
    return new InProcessController(controller, sessions);
  }

  isLeader(): boolean {
    return this.controller.isLeader();
  }

  async close(): Promise<void> {
    await this.controller.close();
    await this.sessions.close();
  }
}

export function startController(name: string, target: ClusterTarget): Promise<InProcessController> {
  return InProcessController.start(name, target);
}
