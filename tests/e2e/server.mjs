// Starts the real `lingxi serve --demo` binary for browser tests and stops it again.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

export const BIN = process.env.LINGXI_BIN;
export const WEB_DIR = process.env.LINGXI_WEB_DIR;

// Resolves with { base, port, stop } once the server prints its LISTENING line. Tools and
// playbooks changed over the API (the console's Automation page) are kept in
// <dataDir>/automation/<account id>/ (the server creates it on the first change); until then the
// demo workspace serves data/demo's.
export async function startServer({ dataDir, port = 0 }) {
  if (!BIN) throw new Error('LINGXI_BIN is not set');
  const proc = spawn(BIN, ['serve', '--demo', '--port', String(port), '--data', dataDir], {
    env: { ...process.env, LINGXI_WEB_DIR: WEB_DIR, LINGXI_LOG_LEVEL: 'warn', LINGXI_SYNCHRONOUS: 'NORMAL',
      LINGXI_AUTOMATION_DIR: join(dataDir, 'automation') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/LISTENING (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${stderr}`)); });
  });
  const stop = async () => {
    if (proc.exitCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    await exited;
  };
  return { base, port: Number(new URL(base).port), stop, proc };
}
