import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';

import { dotnetPublishCode } from './dotnet-publish';

/** The repository this app lives in (deploy/aws/lib/..): what `dotnet publish` builds. */
export const repositoryRoot = path.resolve(__dirname, '..', '..', '..');

/**
 * The function's own settings, shared with the .NET test that runs Memo.Auth as Lambda would
 * (Memo.Tests/Local/LambdaTests.cs): the Web Adapter's port, readiness path and event path, and periodic work run by
 * requests because Lambda freezes the process between them.
 */
export const functionEnvironment: Record<string, string> = JSON.parse(
  readFileSync(path.join(__dirname, 'auth-function-environment.json'), 'utf8'));

/** The AWS Lambda Web Adapter's public layer (https://github.com/awslabs/aws-lambda-web-adapter), in every commercial region. */
export const webAdapterLayerVersion = 26;

export interface MemoAuthStackProps extends StackProps {
  /** Graviton (arm64) costs about 20 % less per GB-second than x86_64. @default ARM_64 */
  readonly architecture?: lambda.Architecture;
  /** Requests per second across the API, and the burst above it; more get 429. @default 50 and 100 */
  readonly throttle?: apigw.ThrottleSettings;
}

/**
 * Memo.Auth as a serverless JWT issuer: a Lambda function (its `dotnet publish` output run by the Lambda Web Adapter)
 * behind an API Gateway HTTP API, in a VPC with RDS for PostgreSQL (`authdb`) and ElastiCache for Redis (`cache`).
 */
export class MemoAuthStack extends Stack {
  constructor(scope: Construct, id: string, props: MemoAuthStackProps = {}) {
    super(scope, id, props);
    const architecture = props.architecture ?? lambda.Architecture.ARM_64;

    // Private subnets only: nothing here needs the internet (CloudFormation resolves the secret, Lambda ships the
    // logs), so there is no NAT gateway or internet gateway to pay for or to leave a way out.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    });
    const privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc, allowAllOutbound: false, description: 'Memo.Auth function: out to PostgreSQL and Redis only',
    });

    // Letters and digits only: the password goes into a connection string unquoted.
    const databaseSecret = new rds.DatabaseSecret(this, 'DatabaseSecret', {
      username: 'memo',
      excludeCharacters: ' !"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
    });
    const database = new rds.DatabaseInstance(this, 'Database', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_17 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      vpc,
      vpcSubnets: privateSubnets,
      credentials: rds.Credentials.fromSecret(databaseSecret),
      databaseName: 'authdb',
      allocatedStorage: 20,
      storageType: rds.StorageType.GP3,
      storageEncrypted: true,
      multiAz: false,
      backupRetention: Duration.days(7),
    });

    const cacheSecurityGroup = new ec2.SecurityGroup(this, 'CacheSecurityGroup', {
      vpc, allowAllOutbound: false, description: 'Memo Redis: in from the Memo.Auth function only',
    });
    const cacheSubnets = new elasticache.CfnSubnetGroup(this, 'CacheSubnets', {
      description: 'Memo Redis', subnetIds: vpc.selectSubnets(privateSubnets).subnetIds,
    });
    const cache = new elasticache.CfnReplicationGroup(this, 'Cache', {
      replicationGroupDescription: 'Memo revocation cache and login-failure counters',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: 'cache.t4g.micro',
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      cacheSubnetGroupName: cacheSubnets.ref,
      securityGroupIds: [cacheSecurityGroup.securityGroupId],
    });

    // CloudFormation resolves the password's reference at deployment: it sits in the function's configuration (never
    // in the template), encrypted at rest with this key. The Parameters and Secrets extension cannot be called while
    // the function initializes, which is when Memo.Auth opens the database (README, "The password").
    const environmentKey = new kms.Key(this, 'FunctionEnvironmentKey', {
      description: 'Memo.Auth function environment (holds the database connection string)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const password = databaseSecret.secretValueFromJson('password').unsafeUnwrap();

    const fn = new lambda.Function(this, 'AuthFunction', {
      description: 'Memo.Auth run by the AWS Lambda Web Adapter',
      runtime: lambda.Runtime.DOTNET_10,
      architecture,
      // The adapter's /opt/bootstrap (AWS_LAMBDA_EXEC_WRAPPER) starts the handler file: the published executable.
      handler: 'Memo.Auth',
      code: dotnetPublishCode(repositoryRoot, 'Memo.Auth', architecture),
      layers: [lambda.LayerVersion.fromLayerVersionArn(this, 'WebAdapter',
        `arn:${Aws.PARTITION}:lambda:${Aws.REGION}:753240598075:layer:LambdaAdapterLayer${architecture === lambda.Architecture.ARM_64 ? 'Arm64' : 'X86'}:${webAdapterLayerVersion}`)],
      // One full vCPU: a login is one PBKDF2 hash, CPU-bound, and start-up is mostly CPU too.
      memorySize: 1769,
      timeout: Duration.seconds(10),
      vpc,
      vpcSubnets: privateSubnets,
      securityGroups: [functionSecurityGroup],
      environmentEncryption: environmentKey,
      environment: {
        ...functionEnvironment,
        // The names the services read everywhere. One request at a time per instance, so two connections
        // (the request's and its periodic work's) are all an instance needs, and many instances fit in RDS's limit.
        ConnectionStrings__authdb: `Host=${database.dbInstanceEndpointAddress};Port=${database.dbInstanceEndpointPort};Database=authdb;`
          + `Username=memo;Password=${password};SSL Mode=Require;Maximum Pool Size=2`,
        ConnectionStrings__cache: `${cache.attrPrimaryEndPointAddress}:${cache.attrPrimaryEndPointPort},ssl=true`,
      },
      logGroup: new logs.LogGroup(this, 'FunctionLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
    });
    database.connections.allowDefaultPortFrom(fn, 'Memo.Auth function');
    cacheSecurityGroup.connections.allowFrom(fn, ec2.Port.tcp(6379), 'Memo.Auth function');

    // Without traffic nothing runs in the function: this keeps the Redis revocation cache repaired (after a Redis
    // restart, say) within a minute. The adapter posts the event to AWS_LWA_PASS_THROUGH_PATH.
    new events.Rule(this, 'Maintenance', {
      description: 'Runs Memo.Auth periodic work when no request does',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 0 })],
    });

    const api = new apigw.HttpApi(this, 'Api', { apiName: 'memo-auth', createDefaultStage: false });
    const integration = new HttpLambdaIntegration('AuthIntegration', fn);
    for (const prefix of ['/auth', '/.well-known']) {
      api.addRoutes({ path: `${prefix}/{proxy+}`, methods: [apigw.HttpMethod.ANY], integration });
    }

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify({
          requestId: '$context.requestId',
          ip: '$context.identity.sourceIp',
          requestTime: '$context.requestTime',
          routeKey: '$context.routeKey',
          path: '$context.path',
          status: '$context.status',
          responseLength: '$context.responseLength',
          latency: '$context.responseLatency',
          integrationLatency: '$context.integrationLatency',
          integrationError: '$context.integrationErrorMessage',
        })),
      },
    });

    new CfnOutput(this, 'ApiUrl', { value: api.apiEndpoint });
    new CfnOutput(this, 'JwksUrl', { value: `${api.apiEndpoint}/.well-known/jwks.json` });
    new CfnOutput(this, 'FunctionName', { value: fn.functionName });
    new CfnOutput(this, 'DatabaseSecretArn', { value: databaseSecret.secretArn });
  }
}
