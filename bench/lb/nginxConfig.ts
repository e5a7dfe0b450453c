/** The ports and paths `npm run demo:lb` puts into docs/nginx-stream.conf. */
export interface NginxDemoSettings {
  /** The port nginx listens on, TCP and UDP (9000 in the file). */
  readonly listenPort: number;
  /** The two TCP backends' ports (9001, 9002 in `upstream rxnet_tcp`). */
  readonly tcpPorts: readonly [number, number];
  /** The two UDP backends' ports (9001, 9002 in `upstream rxnet_udp`). */
  readonly udpPorts: readonly [number, number];
  readonly pidPath: string;
  readonly errorLogPath: string;
  /** The stream module to load, or undefined when nginx has it built in. */
  readonly streamModule: string | undefined;
}

/**
 * Turns the documented configuration into the demo's: the same file, with only its listen port,
 * upstream ports, pid and error-log paths (and the load_module line) replaced. Throws if the
 * template no longer has what is replaced, so the docs and the demo cannot drift apart.
 *
 * Example: `renderNginxConfig(readFileSync('docs/nginx-stream.conf', 'utf8'), settings)`
 */
export function renderNginxConfig(template: string, s: NginxDemoSettings): string {
  const replace = (text: string, pattern: RegExp, by: (match: string) => string): string => {
    if (!pattern.test(text)) throw new Error(`docs/nginx-stream.conf: expected ${pattern} in the template`);
    return text.replace(pattern, by);
  };
  let out = template;
  out = replace(out, /^load_module .*;$/m, () => (s.streamModule === undefined ? '# stream module built in' : `load_module ${s.streamModule};`));
  out = replace(out, /^pid .*;$/m, () => `pid ${s.pidPath};`);
  out = replace(out, /^error_log .*;$/m, () => `error_log ${s.errorLogPath} warn;`);
  out = replace(out, /^worker_processes .*;$/m, () => 'worker_processes 1;');
  const upstream = (name: string, ports: readonly [number, number]) => (text: string) =>
    replace(text, new RegExp(`upstream ${name} \\{[^}]*\\}`), (block) =>
      block.replace(/127\.0\.0\.1:9001/g, `127.0.0.1:${ports[0]}`).replace(/127\.0\.0\.1:9002/g, `127.0.0.1:${ports[1]}`),
    );
  out = upstream('rxnet_tcp', s.tcpPorts)(out);
  out = upstream('rxnet_udp', s.udpPorts)(out);
  out = replace(out, /listen 127\.0\.0\.1:9000( udp)?;/g, (line) => line.replace('9000', String(s.listenPort)));
  return out;
}
