import { CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../config.ts';

export type EdgeConfig = NonNullable<EnvironmentConfig['api']['edge']>;

export interface EdgeStackProps extends StackProps {
  readonly envName: string;
  readonly edge: EdgeConfig;
}

/**
 * The coordinator API's front door with a per-client rate limit: a CloudFront distribution
 * (caching off, every method and header but Host passed on) to the HTTP API's custom domain,
 * guarded by a WAF WebACL whose rate-based rule blocks any client IP that sends more than
 * `ratePerFiveMinutes` requests in 5 minutes, before the request reaches the API's shared stage
 * throttle. CloudFront WebACLs live in us-east-1, so this stack does too; it references the API
 * only by its custom domain name (no cross-region reference). The stateless stack disables the
 * API's execute-api endpoint when `api.edge` is set, so the limit cannot be walked around.
 */
export class EdgeStack extends Stack {
  readonly webAcl: CfnWebACL;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    const { edge, envName } = props;
    const metric = (name: string) => ({ cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `trial-sms-${envName}-${name}` });

    this.webAcl = new CfnWebACL(this, 'ApiWebAcl', {
      name: `trial-sms-${envName}-api`,
      description: 'Coordinator API: per-client-IP rate limit, AWS common rule set',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: metric('api'),
      rules: [
        {
          name: 'RatePerClientIp',
          priority: 0,
          action: { block: { customResponse: { responseCode: 429 } } },
          statement: { rateBasedStatement: { limit: edge.ratePerFiveMinutes, evaluationWindowSec: 300, aggregateKeyType: 'IP' } },
          visibilityConfig: metric('rate-per-ip'),
        },
        {
          name: 'AwsCommonRuleSet',
          priority: 1,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
          visibilityConfig: metric('common'),
        },
      ],
    });

    Validations.of(this.webAcl).acknowledge({
      id: 'HIPAA.Security-WAFv2LoggingEnabled',
      reason: 'Blocks are counted per rule in CloudWatch metrics with sampled requests; every forwarded request is in the API access log already.',
    });

    this.distribution = new Distribution(this, 'ApiDistribution', {
      comment: `trial-sms ${envName}: coordinator API and console`,
      domainNames: [edge.domainName],
      certificate: Certificate.fromCertificateArn(this, 'Certificate', edge.certificateArn),
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      webAclId: this.webAcl.attrArn,
      defaultBehavior: {
        origin: new HttpOrigin(edge.originDomainName, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY, originSslProtocols: [OriginSslPolicy.TLS_V1_2] }),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
    });
    Validations.of(this.distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'No geo restriction: coordinators and monitors travel; every /api request needs a Cognito token and WAF limits each client IP.' },
      { id: 'AwsSolutions-CFR3', reason: 'The HTTP API stage writes JSON access logs (requestId, source IP, route, status, user) for every request CloudFront forwards.' },
    );

    new CfnOutput(this, 'DistributionDomainName', { value: this.distribution.distributionDomainName, description: `Point ${edge.domainName} (CNAME/alias) here` });
    new CfnOutput(this, 'WebAclArn', { value: this.webAcl.attrArn });
  }
}
