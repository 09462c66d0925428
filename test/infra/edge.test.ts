import { App, Stack } from 'aws-cdk-lib';
import { buildTrialApp } from '#infra/app.ts';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEnvironmentConfig, parseEnvironmentConfig } from '#infra/config.ts';
import { EdgeStack } from '#infra/stacks/edge-stack.ts';

const dev = loadEnvironmentConfig('dev');
const edgeConfig = {
  domainName: 'trial.example.org',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666',
  originDomainName: 'api-origin.trial.example.org',
  originCertificateArn: 'arn:aws:acm:ap-east-1:123456789012:certificate/1f0e0d0c-1111-2222-3333-444455556666',
};

/** Issue 13 part 5: a per-client-IP rate limit in front of the coordinator API (docs/security.md). */
describe('edge stack: CloudFront + WAF in front of the HTTP API', () => {
  let stack: EdgeStack;
  let template: Template;
  beforeAll(() => {
    const config = parseEnvironmentConfig({ ...dev.config, api: { ...dev.config.api, edge: edgeConfig } });
    stack = new EdgeStack(new App(), 'TrialSms-test-Edge', { env: { region: 'us-east-1' }, envName: 'test', edge: config.api.edge! });
    template = Template.fromStack(stack);
  });

  it('blocks a client IP above the configured requests per 5 minutes with 429, then the AWS common rules', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'RatePerClientIp',
          Priority: 0,
          Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
          Statement: { RateBasedStatement: { Limit: 300, EvaluationWindowSec: 300, AggregateKeyType: 'IP' } },
        }),
        Match.objectLike({ Name: 'AwsCommonRuleSet', Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } }),
      ],
    });
    expect(Stack.of(stack).region).toBe('us-east-1');
  });

  it('puts the WebACL on a distribution that forwards every method, uncached, over TLS 1.2 to the API origin', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['trial.example.org'],
        WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiWebAcl'), 'Arn'] },
        ViewerCertificate: Match.objectLike({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' }),
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // CachingDisabled
          OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // AllViewerExceptHostHeader
        }),
        Origins: [Match.objectLike({ DomainName: 'api-origin.trial.example.org', CustomOriginConfig: Match.objectLike({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] }) })],
      }),
    });
  });

  it('is cdk-nag clean (AwsSolutions, HIPAA Security)', () => {
    const violations = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((p) => p.validateScope(stack).violations.map((v) => v.ruleName));
    expect(violations).toEqual([]);
  });

  it('the rate is a config value with a floor (WAF needs at least 10)', () => {
    expect(() => parseEnvironmentConfig({ ...dev.config, api: { ...dev.config.api, edge: { ...edgeConfig, ratePerFiveMinutes: 5 } } })).toThrow(/ratePerFiveMinutes/);
    expect(() => parseEnvironmentConfig({ ...dev.config, api: { ...dev.config.api, edge: { ...edgeConfig, certificateArn: edgeConfig.originCertificateArn } } })).toThrow(/us-east-1/);
  });
});

describe('the whole app with api.edge', () => {
  it('adds the edge stack in us-east-1, disables execute-api, maps the API to the origin domain, and the console moves to the edge domain; nag-clean', { timeout: 300_000 }, () => {
    const app = new App();
    const config = parseEnvironmentConfig({ ...dev.config, api: { ...dev.config.api, edge: edgeConfig } });
    const trial = buildTrialApp(app, { ...dev, config });
    expect(trial.edge?.region).toBe('us-east-1');
    const stateless = Template.fromStack(trial.stateless);
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'api-origin.trial.example.org' });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { Stage: '$default' });
    stateless.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: ['https://trial.example.org/'] });
    const violations = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((p) => p.validateScope(app).violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`));
    expect(violations).toEqual([]);
  });
});
