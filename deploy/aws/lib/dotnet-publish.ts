import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** The .NET runtime identifier of a Lambda architecture. */
export function runtimeIdentifier(architecture: lambda.Architecture): string {
  return architecture.name === lambda.Architecture.ARM_64.name ? 'linux-arm64' : 'linux-x64';
}

/**
 * The `dotnet publish` arguments for a Lambda package: framework-dependent (Lambda's .NET runtime provides the shared
 * framework, which keeps the package small), ReadyToRun-compiled for the function's architecture (our code and the
 * NuGet libraries start without waiting for the JIT; the framework is ReadyToRun already).
 */
export function publishArguments(projectFile: string, outputDir: string, architecture: lambda.Architecture): string[] {
  return [
    'publish', projectFile,
    '--configuration', 'Release',
    '--runtime', runtimeIdentifier(architecture),
    '--self-contained', 'false',
    '-p:PublishReadyToRun=true',
    // Paths in the output (PDBs) independent of where the repository is: the same sources give the same package.
    '-p:ContinuousIntegrationBuild=true',
    '--output', outputDir,
    '--nologo',
  ];
}

/**
 * A Lambda package built from `dotnet publish` of `project` (a folder of the repository holding `<project>.csproj`)
 * when the app is synthesized: with the local .NET SDK if there is one, else in the .NET SDK container. The asset hash
 * is the output's, so an unchanged build deploys nothing.
 */
export function dotnetPublishCode(repositoryRoot: string, project: string, architecture: lambda.Architecture): lambda.Code {
  const projectFile = path.join(project, `${project}.csproj`);
  return lambda.Code.fromAsset(repositoryRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      local: {
        tryBundle(outputDir: string): boolean {
          if (spawnSync('dotnet', ['--version'], { stdio: 'ignore' }).status !== 0) {
            return false;
          }

          // stdout carries the synthesized template: the build's output goes to stderr.
          const publish = spawnSync('dotnet', publishArguments(path.join(repositoryRoot, projectFile), outputDir, architecture), { stdio: ['ignore', 2, 2] });
          if (publish.status !== 0) {
            throw new Error(`dotnet publish of ${project} failed (exit code ${publish.status})`);
          }

          return true;
        },
      },
      image: DockerImage.fromRegistry('mcr.microsoft.com/dotnet/sdk:10.0'),
      command: ['dotnet', ...publishArguments(`/asset-input/${projectFile}`, '/asset-output', architecture)],
      environment: { HOME: '/tmp', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    },
  });
}
