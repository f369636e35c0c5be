// What a tenant's code must not reach, for the isolation tests: the platform's services on the host's loopback, other
// bots' ports and sockets, the Docker socket, private ranges and the metadata address; plus two controls that must work.
import http from 'node:http';
import type { TestPlatform } from './platform.js';

export interface Targets {
  tcp: Record<string, [string, number]>;
  unix: Record<string, string>;
  proxy_connect: Record<string, string>;
  proxy_get: Record<string, string>;
  squat_ports: number[];
}

export interface Listening {
  /** The platform's API, a stand-in web server and a stand-in metrics endpoint, really listening on the host. */
  apiPort: number;
  webPort: number;
  metricsPort: number;
  close(): Promise<void>;
}

export async function listenLikeProduction(platform: TestPlatform): Promise<Listening> {
  const listen = (server: http.Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  const api = http.createServer(platform.app);
  const web = http.createServer((_req, res) => res.end('dashboard'));
  const metrics = http.createServer((_req, res) => res.end('tradefleet_up 1\n'));
  const [apiPort, webPort, metricsPort] = [await listen(api), await listen(web), await listen(metrics)];
  return {
    apiPort, webPort, metricsPort,
    async close() {
      for (const s of [api, web, metrics]) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
    },
  };
}

export interface Victim {
  id: string;
  apiPort: number;
  /** The victim's API socket as the host sees it. */
  socketPath: string;
}

/** Every forbidden target (named so a failure says which), and the egress controls: the proxy port and the exchange. */
export function forbiddenTargets(platform: TestPlatform, listening: Listening, paperUrl: string, victims: Victim[]): Targets {
  const db = new URL(platform.config.DATABASE_URL);
  const [temporalHost, temporalPort] = platform.config.TEMPORAL_ADDRESS.split(':');
  const paper = new URL(paperUrl);
  const tcp: Record<string, [string, number]> = {
    postgres: [db.hostname, Number(db.port || 5432)],
    temporal_7233: ['127.0.0.1', 7233],
    temporal_test: [temporalHost!, Number(temporalPort)],
    temporal_ui_8233: ['127.0.0.1', 8233],
    api: ['127.0.0.1', listening.apiPort],
    web: ['127.0.0.1', listening.webPort],
    metrics: ['127.0.0.1', listening.metricsPort],
    paper_exchange_direct: [paper.hostname, Number(paper.port)],
    docker_bridge_gateway: ['172.17.0.1', 2375],
    private_10: ['10.255.255.1', 80],
    private_192: ['192.168.255.1', 80],
    metadata: ['169.254.169.254', 80],
  };
  const unix: Record<string, string> = { docker_socket: '/var/run/docker.sock', docker_socket_run: '/run/docker.sock' };
  for (const v of victims) {
    tcp[`victim_api_${v.id}`] = ['127.0.0.1', v.apiPort];
    unix[`victim_socket_${v.id}`] = v.socketPath;
  }
  return {
    tcp,
    unix,
    proxy_connect: {
      postgres: `${db.hostname}:${db.port || 5432}`,
      temporal: '127.0.0.1:7233',
      api: `127.0.0.1:${listening.apiPort}`,
      metadata: '169.254.169.254:80',
      exchange_control: `${paper.hostname}:${paper.port}`,
    },
    proxy_get: {
      api: `http://127.0.0.1:${listening.apiPort}/api/health`,
      metrics: `http://127.0.0.1:${listening.metricsPort}/`,
      metadata: 'http://169.254.169.254/latest/meta-data/',
      exchange_control: `${paperUrl.replace(/\/$/, '')}/api/v3/ping`,
    },
    squat_ports: victims.map((v) => v.apiPort),
  };
}

export interface ProbeReport {
  connect: Record<string, string>;
  unix: Record<string, string>;
  proxy: Record<string, string>;
  bind: Record<string, string>;
  received: Array<{ port: number; data: string }>;
  /** Pooled bots' probes (optional targets): files read, folders listed, processes signalled. */
  files?: Record<string, string>;
  listdir?: Record<string, string[] | string>;
  signals?: Record<string, string>;
  /** Links planted in its own directory toward a sibling's files (optional target). */
  links?: Record<string, string>;
  done?: boolean;
}

/** The attempts that got through (the controls excluded); an isolated container has none. */
export function breaches(report: ProbeReport): string[] {
  const out: string[] = [];
  for (const [name, result] of Object.entries(report.connect)) if (!result.startsWith('failed')) out.push(`tcp ${name}: ${result}`);
  for (const [name, result] of Object.entries(report.unix)) if (!result.startsWith('failed')) out.push(`unix ${name}: ${result}`);
  for (const [name, status] of Object.entries(report.proxy)) {
    if (!name.endsWith('exchange_control') && !/ 403 /.test(status) && !status.startsWith('failed')) out.push(`proxy ${name}: ${status}`);
  }
  return out;
}
