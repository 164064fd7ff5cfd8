import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { App } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';

import { publishArguments } from '../lib/dotnet-publish';
import { MemoAuthStack } from '../lib/memo-auth-stack';

// Bundling (dotnet publish) is skipped here: `npx cdk synth` does it.
function synthesize(architecture?: lambda.Architecture): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(new MemoAuthStack(app, 'MemoAuth', { architecture }));
}

const template = synthesize();
const [functionId, authFunction] = Object.entries(template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'Memo.Auth' } }))[0];
const variables: Record<string, unknown> = authFunction.Properties.Environment.Variables;

/** The literal parts of a CloudFormation string built with Fn::Join. */
function literalParts(value: unknown): string {
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1].filter((part): part is string => typeof part === 'string').join('');
}

function logicalIdOf(type: string, properties: object = {}): string {
  const ids = Object.keys(template.findResources(type, { Properties: properties }));
  assert.equal(ids.length, 1, `one ${type}`);
  return ids[0];
}

describe('API Gateway', () => {
  test('routes /auth/* and /.well-known/* (and nothing else) to one Lambda proxy integration, payload 2.0', () => {
    const routes = template.findResources('AWS::ApiGatewayV2::Route');
    assert.deepEqual(Object.values(routes).map(r => r.Properties.RouteKey).sort(), ['ANY /.well-known/{proxy+}', 'ANY /auth/{proxy+}']);
    const integrationId = logicalIdOf('AWS::ApiGatewayV2::Integration');
    for (const route of Object.values(routes)) {
      assert.deepEqual(route.Properties.Target, { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] });
    }

    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
  });

  test('the default stage deploys itself, throttles (rate and burst) and writes JSON access logs to a log group', () => {
    const format = new Capture();
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, Format: format },
    });
    const fields = JSON.parse(format.asString());
    assert.equal(fields.requestId, '$context.requestId');
    assert.equal(fields.status, '$context.status');
    assert.equal(fields.ip, '$context.identity.sourceIp');

    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
    const logGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
    assert.equal(template.findResources('AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays, 30);
  });
});

describe('Lambda function', () => {
  test('runs the published Memo.Auth on .NET 10 through the Web Adapter layer of the region', () => {
    assert.equal(authFunction.Properties.Runtime, 'dotnet10');
    assert.deepEqual(authFunction.Properties.Architectures, ['arm64']);
    assert.deepEqual(authFunction.Properties.Layers, [{
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':lambda:', { Ref: 'AWS::Region' }, ':753240598075:layer:LambdaAdapterLayerArm64:26']],
    }]);
    assert.equal(variables.AWS_LAMBDA_EXEC_WRAPPER, '/opt/bootstrap');

    const x86 = Object.values(synthesize(lambda.Architecture.X86_64).findResources('AWS::Lambda::Function', { Properties: { Handler: 'Memo.Auth' } }))[0];
    assert.match(JSON.stringify(x86.Properties.Layers), /LambdaAdapterLayerX86:26/);
  });

  test('is configured with the names the services read everywhere, and the adapter with where Memo.Auth listens', () => {
    assert.deepEqual(Object.keys(variables).sort(), [
      'ASPNETCORE_FORWARDEDHEADERS_ENABLED', 'ASPNETCORE_URLS', 'AWS_LAMBDA_EXEC_WRAPPER', 'AWS_LWA_PASS_THROUGH_PATH', 'AWS_LWA_PORT',
      'AWS_LWA_READINESS_CHECK_PATH', 'ConnectionStrings__authdb', 'ConnectionStrings__cache', 'PeriodicWork__Trigger',
    ]);
    assert.equal(variables.ASPNETCORE_URLS, `http://127.0.0.1:${variables.AWS_LWA_PORT}`);
    assert.equal(variables.AWS_LWA_READINESS_CHECK_PATH, '/alive');
    assert.equal(variables.AWS_LWA_PASS_THROUGH_PATH, '/maintenance');
    assert.equal(variables.PeriodicWork__Trigger, 'Requests');

    const authdb = literalParts(variables.ConnectionStrings__authdb);
    assert.match(authdb, /^Host=;Port=;Database=authdb;Username=memo;Password=\{\{resolve:secretsmanager::SecretString:password::\}\};SSL Mode=Require;/);
    assert.deepEqual((variables.ConnectionStrings__authdb as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1].filter(p => typeof p !== 'string'), [
      { 'Fn::GetAtt': [logicalIdOf('AWS::RDS::DBInstance'), 'Endpoint.Address'] },
      { 'Fn::GetAtt': [logicalIdOf('AWS::RDS::DBInstance'), 'Endpoint.Port'] },
      { Ref: logicalIdOf('AWS::SecretsManager::Secret') },
    ]);
    assert.equal(literalParts(variables.ConnectionStrings__cache), ':,ssl=true');
    assert.match(JSON.stringify(variables.ConnectionStrings__cache), /PrimaryEndPoint\.Address/);
  });

  test('runs the periodic work every minute through the adapter when there is no traffic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId, 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com', FunctionName: { 'Fn::GetAtt': [functionId, 'Arn'] } });
  });
});

describe('secret', () => {
  test('the database password is generated in Secrets Manager, letters and digits only, and used by RDS', () => {
    const generate = template.findResources('AWS::SecretsManager::Secret')[logicalIdOf('AWS::SecretsManager::Secret')].Properties.GenerateSecretString;
    assert.equal(generate.SecretStringTemplate, '{"username":"memo"}');
    assert.equal(generate.GenerateStringKey, 'password');
    for (const c of ';=\'"\\ ') {
      assert.ok(generate.ExcludeCharacters.includes(c), `excludes ${c}`);
    }

    const secretId = logicalIdOf('AWS::SecretsManager::Secret');
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      MasterUserPassword: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:password::}}']] },
    });
  });

  test('reaches the function only as a deployment-time reference, in an environment encrypted with its own key', () => {
    assert.doesNotMatch(JSON.stringify(template.toJSON()), /"Password=[A-Za-z0-9]/);
    assert.deepEqual(authFunction.Properties.KmsKeyArn, { 'Fn::GetAtt': [logicalIdOf('AWS::KMS::Key'), 'Arn'] });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
});

describe('VPC', () => {
  const privateSubnets = Object.keys(template.findResources('AWS::EC2::Subnet')).sort();

  test('has two private subnets and no way to the internet', () => {
    assert.equal(privateSubnets.length, 2);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
  });

  test('places the function, PostgreSQL (authdb) and Redis in the private subnets', () => {
    const subnetRefs = privateSubnets.map(id => ({ Ref: id }));
    assert.deepEqual([...authFunction.Properties.VpcConfig.SubnetIds].sort(byRef), subnetRefs);
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: Match.arrayEquals(subnetRefs) });
    template.hasResourceProperties('AWS::ElastiCache::SubnetGroup', { SubnetIds: Match.arrayEquals(subnetRefs) });
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres', DBName: 'authdb', StorageEncrypted: true, PubliclyAccessible: false,
    });
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis', TransitEncryptionEnabled: true, AtRestEncryptionEnabled: true,
    });
  });

  test('lets only the function reach PostgreSQL (5432) and Redis (6379)', () => {
    const functionGroup = { 'Fn::GetAtt': [authFunction.Properties.VpcConfig.SecurityGroupIds[0]['Fn::GetAtt'][0], 'GroupId'] };
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(r => r.Properties);
    assert.equal(ingress.length, 2);
    assert.ok(ingress.every(rule => JSON.stringify(rule.SourceSecurityGroupId) === JSON.stringify(functionGroup)));
    assert.deepEqual(ingress.map(rule => rule.FromPort), [{ 'Fn::GetAtt': [logicalIdOf('AWS::RDS::DBInstance'), 'Endpoint.Port'] }, 6379]);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Memo.Auth function'),
      SecurityGroupIngress: Match.absent(),
    });
  });
});

test('dotnet publish builds a framework-dependent, ReadyToRun package for the function architecture', () => {
  const args = publishArguments('Memo.Auth/Memo.Auth.csproj', '/out', lambda.Architecture.ARM_64);
  assert.deepEqual(args.slice(args.indexOf('--runtime'), args.indexOf('--runtime') + 2), ['--runtime', 'linux-arm64']);
  assert.ok(args.includes('-p:PublishReadyToRun=true'));
  assert.deepEqual(args.slice(args.indexOf('--self-contained'), args.indexOf('--self-contained') + 2), ['--self-contained', 'false']);
  assert.ok(publishArguments('p', '/out', lambda.Architecture.X86_64).includes('linux-x64'));
});

function byRef(a: { Ref: string }, b: { Ref: string }): number {
  return a.Ref.localeCompare(b.Ref);
}
