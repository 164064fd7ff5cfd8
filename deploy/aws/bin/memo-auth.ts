import { App } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

import { MemoAuthStack } from '../lib/memo-auth-stack';

// Environment-agnostic: the account and region are the CLI's (profile, AWS_REGION) at deployment.
// `-c architecture=x86_64` builds for x86_64 instead of Graviton.
const app = new App();
new MemoAuthStack(app, 'MemoAuth', {
  description: 'Memo.Auth: serverless JWT issuer (AWS Lambda behind Amazon API Gateway)',
  architecture: app.node.tryGetContext('architecture') === 'x86_64' ? lambda.Architecture.X86_64 : lambda.Architecture.ARM_64,
});
