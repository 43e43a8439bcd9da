// The container definition and the scheduler examples in deploy/ agree with the package and the CLI (not run here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseConfigYaml } from '../../src/config/load.js';
import { PACKAGE_ROOT } from '../../src/platform/paths.js';
import { WORKSPACE_CONFIG_FILE } from '../../src/sync/workspaces.js';

const read = (path: string) => readFileSync(join(PACKAGE_ROOT, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as { bin: Record<string, string>; files: string[] };
/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
const instructions = read('Dockerfile')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((l) => l.trim() && !l.trim().startsWith('#'));
const stages = instructions
  .join('\n')
  .split(/^FROM /m)
  .slice(1);

describe('Dockerfile', () => {
  it('runs the packed package as a non-root user, with partnernomics as the entry point', () => {
    expect(stages).toHaveLength(2);
    const runtime = stages[1]!;
    expect(runtime).toMatch(/^node:24-slim\n/);
    expect(runtime).toMatch(/npm ci --omit=dev --ignore-scripts/);
    // The bin package.json declares is what the symlink and the entry point run.
    expect(pkg.bin.partnernomics).toBe('dist/src/cli/main.js');
    expect(runtime).toContain(`ln -s /app/${pkg.bin.partnernomics} /usr/local/bin/partnernomics`);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime.indexOf('USER node')).toBeLessThan(runtime.indexOf('ENTRYPOINT'));
    expect(runtime).toMatch(/^ENTRYPOINT \["partnernomics"\]$/m);
    expect(runtime).toMatch(/^CMD \["sync", "--workspaces", "\/workspaces"\]$/m);
    // The build stage packs what the package ships (templates included) and keeps the lockfile for `npm ci`.
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'templates', 'appsscript.json']));
    expect(stages[0]).toMatch(/npm pack/);
    expect(stages[0]).toMatch(/cp package-lock\.json \/out\//);
  });

  it('bakes no secret in: no credential variable, no credentials file, none in the build context', () => {
    const all = instructions.join('\n');
    expect(all).not.toMatch(/NOTION_TOKEN|GOOGLE_REFRESH_TOKEN|CLIENT_SECRET|credentials\.json/);
    expect(all).not.toMatch(/^(ARG|ENV) .*(TOKEN|SECRET)/m);
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'));
    for (const entry of [
      'node_modules',
      'dist',
      '.env',
      '.env.*',
      '**/credentials.json',
      'partnernomics.config.yaml',
    ])
      expect(ignored).toContain(entry);
  });
});

describe('deploy/ examples', () => {
  it('the CronJob never overlaps, reads credentials from a Secret, and mounts each config in its own folder', () => {
    const docs = parseAllDocuments(read('deploy/kubernetes/cronjob.yaml')).map((d) => d.toJS());
    const configMap = docs.find((d) => d.kind === 'ConfigMap');
    const cron = docs.find((d) => d.kind === 'CronJob');
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const container = pod.containers[0];
    expect(container.args).toEqual(['--json', 'sync', '--workspaces', '/workspaces']);
    expect(container.envFrom).toEqual([{ secretRef: { name: 'partnernomics-credentials' } }]);
    expect(container.env).toBeUndefined();
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    // Each example config is a valid config, and lands as <name>/partnernomics.config.yaml.
    const volume = pod.volumes.find((v: { name: string }) => v.name === 'workspaces');
    const keys = Object.keys(configMap.data);
    expect(keys.length).toBeGreaterThan(0);
    expect(volume.configMap.items).toEqual(
      keys.map((key) => ({ key, path: `${key.replace(/\.yaml$/, '')}/${WORKSPACE_CONFIG_FILE}` })),
    );
    for (const key of keys) expect(() => parseConfigYaml(configMap.data[key], key)).not.toThrow();
  });

  it('the GitHub Actions step passes every secret it names to the container, by name only', () => {
    const workflow = parse(read('deploy/github-actions/partnernomics-sync.yml'));
    expect(workflow.concurrency['cancel-in-progress']).toBe(false);
    const step = workflow.jobs.sync.steps.find((s: { run?: string }) => s.run?.includes('docker run'));
    const named = Object.keys(step.env).sort();
    const passed = [...step.run.matchAll(/--env (\w+)/g)].map((m) => m[1]).sort();
    expect(passed).toEqual(named);
    expect(step.run).not.toMatch(/\$\{\{\s*secrets\./);
    expect(step.run).toMatch(/sync --workspaces \/workspaces/);
  });
});
