import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { BOX_STREAM_PATH, ServerFrameSchema, type ServerFrame, type SignalSample } from '../../../shared/protocol/box-stream';
import { startGateway, type Gateway, type GatewayLog, type StartGatewayOptions } from '../../../box/gateway/server';
import type { GatewayConfig } from '../../../box/gateway/gateway-config';
import { startSglangTestEngine, type SglangTestEngine, type SglangTestEngineOptions } from '../../support/sglang-test-engine';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

export interface GatewayFixture {
  engine: SglangTestEngine;
  gateway: Gateway;
  dataDir: string;
  logs: string[];
  /** Starts a fresh gateway on the same data dir (the old one must be closed). */
  restart(): Promise<Gateway>;
  close(): Promise<void>;
}

export async function startGatewayFixture(
  config: Partial<GatewayConfig> = {},
  engineOptions: SglangTestEngineOptions = {},
  options: StartGatewayOptions = {},
): Promise<GatewayFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'apprentice-box-'));
  const engine = await startSglangTestEngine(engineOptions);
  const logs: string[] = [];
  const log: GatewayLog = (level, message) => logs.push(`${level}: ${message}`);
  const start = (): Promise<Gateway> =>
    startGateway({ sglangUrl: engine.url, token: TEST_TOKEN, dataDir, port: 0, ...config }, { log, ...options });
  const fixture: GatewayFixture = {
    engine,
    gateway: await start(),
    dataDir,
    logs,
    async restart() {
      fixture.gateway = await start();
      return fixture.gateway;
    },
    async close() {
      await fixture.gateway.close();
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

export function streamUrl(gateway: Gateway): string {
  return `${gateway.url.replace(/^http/, 'ws')}${BOX_STREAM_PATH}`;
}

/** A ws client that queues every server frame (validated) so tests can await the next one. */
export class TestStreamClient {
  readonly frames: ServerFrame[] = [];
  private waiters: (() => void)[] = [];
  closeInfo: { code: number; reason: string } | null = null;
  private readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(ServerFrameSchema.parse(JSON.parse(data.toString())));
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        this.wake();
        resolve(this.closeInfo);
      }),
    );
  }

  static async connect(gateway: Gateway, token: string = TEST_TOKEN, wsOptions: WebSocket.ClientOptions = {}): Promise<TestStreamClient> {
    const ws = new WebSocket(streamUrl(gateway), { headers: { authorization: `Bearer ${token}` }, ...wsOptions });
    const client = new TestStreamClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  hello(progressAfter = 0, protocol = 1): void {
    this.send({ type: 'hello', protocol, clientId: 'test-app', progressAfter });
  }

  /** Waits until `count` frames have arrived in total (or the socket closed). */
  async waitForFrames(count: number, timeoutMs = 20_000): Promise<ServerFrame[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count) {
      if (this.closeInfo) throw new Error(`socket closed (${this.closeInfo.code} ${this.closeInfo.reason}) with ${this.frames.length}/${count} frames`);
      if (Date.now() > deadline) throw new Error(`timed out with ${this.frames.length}/${count} frames: ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 500);
      });
    }
    return this.frames.slice(0, count);
  }

  waitForClose(): Promise<{ code: number; reason: string }> {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await this.closed;
  }
}

let sampleCounter = 0;

export function makeSample(overrides: Partial<SignalSample> = {}): SignalSample {
  sampleCounter++;
  return {
    sampleId: `sample-${sampleCounter}-${Math.random().toString(36).slice(2)}`,
    personaId: 'persona-1',
    conversationId: 'conv-1',
    turnId: `turn-${sampleCounter}`,
    messages: [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'What is 2+2?' },
    ],
    response: 'It is 4.',
    nextState: { role: 'user', content: 'thanks!' },
    reward: 1,
    rewardSource: 'heuristic',
    signalKind: 'positive',
    confidence: 0.9,
    hint: null,
    supersedes: null,
    policyVersion: 'default',
    createdAt: Date.now(),
    ...overrides,
  };
}

export function authHeaders(token: string = TEST_TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}
