import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { loadEnvironmentConfig, type LoadedConfig } from './config.ts';
import { EdgeStack } from './stacks/edge-stack.ts';
import { StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack, type StatelessStackProps } from './stacks/stateless-stack.ts';

export interface TrialApp {
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  /** CloudFront + WAF in us-east-1, when the environment has `api.edge`. */
  readonly edge?: EdgeStack;
}

/**
 * Builds both stacks of one environment into `app`. With `nag` (the CLI path) the AwsSolutions
 * and HIPAA Security packs run at synthesis and any unacknowledged finding fails it; tests run
 * the packs themselves with `validateScope` to read the findings.
 */
export function buildTrialApp(app: App, { name, config }: LoadedConfig, options: { nag?: boolean; entryFor?: StatelessStackProps['entryFor'] } = {}): TrialApp {
  // Strong cross-stack references (CloudFormation exports), explicitly: the stateful stack cannot
  // drop an export, hence never the table or a topic, while the stateless stack still uses it.
  const referenceFlag = '@aws-cdk/core:defaultCrossStackReferences';
  if (app.node.tryGetContext(referenceFlag) === undefined) app.node.setContext(referenceFlag, 'strong');
  const env = { account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT, region: config.region };
  const prefix = `TrialSms-${name}`;
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    envName: name,
    config,
    description: 'Trial SMS (NCT05789017): table, keys, backups, topics, coordinator user pool — RETAIN',
    terminationProtection: true,
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    envName: name,
    config,
    stateful,
    ...(options.entryFor ? { entryFor: options.entryFor } : {}),
    description: 'Trial SMS (NCT05789017): functions, schedules, API, alarms',
  });
  stateless.addStackDependency(stateful);
  const edgeConfig = config.api.edge;
  const edge = edgeConfig
    ? new EdgeStack(app, `${prefix}-Edge`, {
        env: { account: env.account, region: 'us-east-1' },
        envName: name,
        edge: edgeConfig,
        description: 'Trial SMS (NCT05789017): CloudFront + WAF (rate limit per client IP) in front of the coordinator API',
      })
    : undefined;
  edge?.addDependency(stateless);
  Tags.of(app).add('project', 'trial-sms');
  Tags.of(app).add('environment', name);
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
  return { stateful, stateless, ...(edge ? { edge } : {}) };
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  const app = new App();
  const envName = (app.node.tryGetContext('env') as string | undefined) ?? 'dev';
  const configFile = app.node.tryGetContext('configFile') as string | undefined;
  buildTrialApp(app, loadEnvironmentConfig(envName, configFile), { nag: true });
  app.synth();
}
