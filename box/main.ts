import { BoxTokenError, resolveBoxToken } from './gateway/box-token';
import { BOX_USAGE, BoxArgsError, parseBoxArgs } from './gateway/parse-box-args';
import { startGateway, type GatewayPlugin } from './gateway/server';
import { trainingPluginFromEnv } from './training/training-options-from-env';

/**
 * `npm run box -- --sglang URL [...]` — starts the box gateway on the GPU box (see BOX_USAGE).
 * Prints `Apprentice box gateway listening on http://HOST:PORT` once it accepts connections.
 */

/** Box modules that plug into the gateway (training queue, trainer API, judge) go here. */
const plugins: GatewayPlugin[] = [trainingPluginFromEnv(process.env)];

async function main(): Promise<void> {
  let args;
  try {
    args = parseBoxArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof BoxArgsError) {
      console.error(`error: ${error.message}\n\n${BOX_USAGE}`);
      process.exit(2);
    }
    throw error;
  }
  if (args === 'help') {
    console.log(BOX_USAGE);
    return;
  }
  let token;
  try {
    token = resolveBoxToken({
      dataDir: args.dataDir,
      flagToken: args.token,
      tokenFile: args.tokenFile,
      envToken: process.env.APPRENTICE_BOX_TOKEN,
    });
  } catch (error) {
    if (error instanceof BoxTokenError) {
      console.error(`error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  if (token.source === 'generated') {
    console.log(`Generated a box token and saved it to ${token.file} (mode 0600).`);
    console.log(`Box token (enter it in the app's settings): ${token.token}`);
  } else if (token.source === 'file') {
    console.log(`Using the box token saved in ${token.file}.`);
  } else if (token.source === 'token-file') {
    console.log(`Using the box token in ${token.file}.`);
  }
  for (const warning of token.warnings) console.error(`warning: ${warning}`);

  const gateway = await startGateway(
    {
      sglangUrl: args.sglangUrl,
      sglangApiKey: args.sglangApiKey,
      teacherSglangUrl: args.teacherSglangUrl,
      teacherSglangApiKey: args.sglangApiKey,
      host: args.host,
      port: args.port,
      token: token.token,
      dataDir: args.dataDir,
      sglangOriginalLogprobs: args.sglangOriginalLogprobs,
      defaultChatTemplateKwargs: { enable_thinking: process.env.APPRENTICE_ENABLE_THINKING === '1' },
    },
    { plugins },
  );
  if (args.host === '127.0.0.1') console.log('Listening on 127.0.0.1 only; pass --host 0.0.0.0 to accept apps from other machines.');
  console.log(`Apprentice box gateway listening on ${gateway.url}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing the box gateway...`);
    const force = setTimeout(() => {
      console.error('the gateway did not close within 10 s; exiting anyway');
      process.exit(1);
    }, 10_000);
    force.unref();
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`error while closing: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const err = error as NodeJS.ErrnoException;
  if (err?.code === 'EADDRINUSE') console.error(`error: the port is already in use (${err.message}); pick another with --port`);
  else if (err?.code === 'EACCES') console.error(`error: not allowed to listen there (${err.message})`);
  else console.error(`error: ${err?.stack ?? String(error)}`);
  process.exit(1);
});
