import { Controller, Get, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { ApiError, FieldProblem } from '../common/api-error';
import { safeError } from '../common/safe-error';
import { HealthRepository } from './health.repository';
import { ServiceLifecycle } from './service-lifecycle';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: HealthRepository,
    private readonly lifecycle: ServiceLifecycle,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness and database reachability (no auth)' })
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.databaseUp()]);
  }

  @Get('live')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers (no auth, no database)' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary:
      'Readiness (no auth): the database answers, every migration is applied, the service is not shutting down; else 503 naming what is not',
  })
  async ready(): Promise<{ status: 'ok'; checks: Record<string, 'up'> }> {
    const problems: FieldProblem[] = [];
    if (this.lifecycle.stopping) problems.push({ field: 'lifecycle', problem: 'shutting down' });
    try {
      const pending = await this.database.pendingMigrations();
      if (pending.length) problems.push({ field: 'migrations', problem: `not applied: ${pending.join(', ')}` });
    } catch {
      problems.push({ field: 'database', problem: 'does not answer' });
    }
    if (problems.length)
      throw new ApiError(
        HttpStatus.SERVICE_UNAVAILABLE,
        `not ready: ${problems.map((p) => `${p.field} ${p.problem}`).join('; ')}`,
        problems,
      );
    return { status: 'ok', checks: { lifecycle: 'up', database: 'up', migrations: 'up' } };
  }

  private async databaseUp() {
    const indicator = this.indicators.check('database');
    try {
      await this.database.ping();
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: safeError(error).message });
    }
  }
}
