import { Injectable } from '@nestjs/common';
import type { Audience } from '@lcm/database';
import {
  assertValidAudienceRule,
  audienceReferencePaths,
  AudienceRule,
  AudienceRuleError,
  compileRuleToSql,
  findAudienceCycle,
  referencedAudienceIds,
  tappedCampaignPaths,
  validateAudienceRule,
} from '@lcm/domain/segments';
import { ApiError, FieldProblem } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, toPage } from '../common/pagination';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import type { Transaction } from '../database/prisma.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { AudienceHolders } from '../ports/audience-holders';
import type { ContactPredicate } from '../contacts/contacts.repository';
import { ContactsService } from '../contacts/contacts.service';
import type { FrequencyCap } from '@lcm/domain/frequency-caps';
import { accountFrequencyCap, capWindow } from '../frequency-caps/frequency-caps.service';
import {
  AudienceCreateDto,
  AudienceListQueryDto,
  AudiencePreviewResponseDto,
  AudienceResponseDto,
  AudienceSizeQueryDto,
  AudienceSizeResponseDto,
  AudienceUpdateDto,
} from './audiences.dto';
import { AudiencesRepository } from './audiences.repository';
import { toAudienceResponse } from './audiences.mapper';

const DEFINITION = 'definition';

/** An audience's rule tree as stored (checked again before use) or as just validated, and its account. */
type RuleSource = Pick<Audience, 'lineAccountId'> & { definition: unknown };

@Injectable()
export class AudiencesService {
  constructor(
    private readonly repository: AudiencesRepository,
    private readonly accounts: LineAccountsService,
    private readonly contacts: ContactsService,
    private readonly audit: AuditService,
    private readonly holders: AudienceHolders,
    private readonly clock: Clock,
  ) {}

  /** The tree is checked (shape, references on the same account) before anything is saved. */
  async create(actor: AuthUser, dto: AudienceCreateDto): Promise<AudienceResponseDto> {
    const rule = checkDefinition(dto.definition);
    await this.mustFindAccount(dto.lineAccountId);
    return this.repository.transaction(async (tx) => {
      await this.repository.lockAccountGraph(dto.lineAccountId, tx);
      await this.checkReferences(dto.lineAccountId, rule, null, tx);
      const audience = await this.repository.create(
        {
          lineAccountId: dto.lineAccountId,
          name: dto.name,
          definition: rule,
          referencedAudienceIds: referencedAudienceIds(rule),
          createdById: actor.id,
          updatedById: actor.id,
        },
        tx,
      );
      const response = toAudienceResponse(audience);
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'audience.created',
          entityType: 'audience',
          entityId: audience.id,
          after: response,
        },
        tx,
      );
      return response;
    });
  }

  async list(query: AudienceListQueryDto): Promise<Page<AudienceResponseDto>> {
    return toPage(await this.repository.list(query), query, toAudienceResponse);
  }

  async get(id: string): Promise<AudienceResponseDto> {
    return toAudienceResponse(await this.mustFind(id));
  }

  /** Name and/or definition, with the version read; a new definition is checked like on create, plus cycles. */
  async update(actor: AuthUser, id: string, dto: AudienceUpdateDto): Promise<AudienceResponseDto> {
    const rule = dto.definition === undefined ? undefined : checkDefinition(dto.definition);
    return this.repository.transaction(async (tx) => {
      const before = await this.mustFind(id, tx);
      await this.repository.lockAccountGraph(before.lineAccountId, tx);
      if (rule) await this.checkReferences(before.lineAccountId, rule, id, tx);
      const after = await this.repository.updateAtVersion(
        id,
        dto.version,
        {
          ...(dto.name !== undefined ? { name: dto.name } : {}),
          ...(rule
            ? {
                definition: rule,
                referencedAudienceIds: referencedAudienceIds(rule),
              }
            : {}),
          updatedById: actor.id,
        },
        tx,
      );
      if (!after) throw ApiError.staleVersion('audience', before.version);
      const response = toAudienceResponse(after);
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'audience.updated',
          entityType: 'audience',
          entityId: id,
          before: toAudienceResponse(before),
          after: response,
        },
        tx,
      );
      return response;
    });
  }

  /** Refused (409) while another audience references it or an approved or sending campaign uses it. */
  async delete(actor: AuthUser, id: string): Promise<void> {
    await this.repository.transaction(async (tx) => {
      const before = await this.mustFind(id, tx);
      await this.repository.lockAccountGraph(before.lineAccountId, tx);
      // The row first, then the count of campaigns holding it: an approval in flight holds the row
      // FOR SHARE (holdForCampaign), so it is waited for and then counted, never approved past the delete.
      if (!(await this.repository.lockRow(id, 'update', tx))) throw ApiError.notFound(`audience ${id}`);
      const referencing = await this.repository.findReferencing(id, tx);
      if (referencing.length) {
        throw ApiError.conflict(
          `audience ${id} is referenced by ${referencing.map((a) => `"${a.name}" (${a.id})`).join(', ')}; change those first`,
          referencing.map((a) => ({ field: 'id', problem: `referenced by audience ${a.id}` })),
        );
      }
      const campaigns = await this.holders.countCampaignsHolding(id, tx);
      if (campaigns > 0)
        throw ApiError.conflict(`audience ${id} is used by ${campaigns} approved or sending campaign(s)`);
      await this.repository.softDelete(id, this.clock.now(), tx);
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'audience.deleted',
          entityType: 'audience',
          entityId: id,
          before: toAudienceResponse(before),
        },
        tx,
      );
    });
  }

  /** Recipients (following, each user once) and the excluded members, counted by one SQL query. */
  async size(id: string): Promise<AudienceSizeResponseDto> {
    return this.sizeOf(await this.mustFind(id));
  }

  /**
   * `cap`: the frequency cap to count members at (a campaign's); when omitted, the account's. Members
   * at it are excluded (`excluded.frequencyCap`), not recipients.
   */
  async sizeOf(
    audience: RuleSource & { id: string | null },
    cap?: FrequencyCap | null,
  ): Promise<AudienceSizeResponseDto> {
    const now = this.clock.now();
    const applied = cap === undefined ? accountFrequencyCap(await this.accounts.mustFind(audience.lineAccountId)) : cap;
    const counts = await this.contacts.countMatching(
      audience.lineAccountId,
      await this.compile(audience, now),
      capWindow(applied, now),
    );
    return {
      audienceId: audience.id,
      recipients: counts.following,
      excluded: { blocked: counts.blocked, unfollowed: counts.unfollowed, frequencyCap: counts.frequencyCap },
      frequencyCap: applied,
      computedAt: now.toISOString(),
    };
  }

  /** The same count for a tree that is not saved: checked like on create, nothing written. */
  async sizeOfUnsaved(dto: AudienceSizeQueryDto): Promise<AudienceSizeResponseDto> {
    const rule = checkDefinition(dto.definition);
    await this.mustFindAccount(dto.lineAccountId);
    await this.repository.transaction((tx) => this.checkReferences(dto.lineAccountId, rule, null, tx));
    return this.sizeOf({ id: null, lineAccountId: dto.lineAccountId, definition: rule });
  }

  async preview(id: string, limit = 20): Promise<AudiencePreviewResponseDto> {
    const audience = await this.mustFind(id);
    const items = await this.contacts.listFollowingMatching(
      audience.lineAccountId,
      await this.compile(audience, this.clock.now()),
      limit,
    );
    return { audienceId: id, items };
  }

  /**
   * The audience's rule as one SQL predicate over `contacts c` (placeholders from $2), with the
   * audiences it references (transitively) loaded first and inlined by the compiler.
   */
  async compile(audience: RuleSource, now: Date): Promise<ContactPredicate> {
    const rules = new Map<string, AudienceRule>();
    const root = assertValidAudienceRule(audience.definition);
    let pending = referencedAudienceIds(root);
    // One query per level of references; each audience is loaded once.
    while (pending.length) {
      const next = new Set<string>();
      for (const referenced of await this.repository.findLiveByIds(pending)) {
        if (referenced.lineAccountId !== audience.lineAccountId) continue; // never another account's rule
        rules.set(referenced.id, assertValidAudienceRule(referenced.definition));
        for (const id of referenced.referencedAudienceIds) next.add(id);
      }
      pending = [...next].filter((id) => !rules.has(id));
    }
    try {
      return compileRuleToSql(root, {
        alias: 'c',
        firstParam: 2,
        now,
        resolveAudience: (referenced) => rules.get(referenced),
      });
    } catch (error) {
      if (error instanceof AudienceRuleError)
        throw ApiError.unprocessable(`the audience can't be evaluated: ${error.message}`, [
          { field: DEFINITION, problem: error.message },
        ]);
      throw error;
    }
  }

  /**
   * For campaigns and dispatch: the audience's account and its recipient predicate, to count
   * (`c.status = 'following' AND <sql>`) or snapshot recipients with one INSERT … SELECT.
   */
  async recipientPredicate(
    audienceId: string,
    now: Date,
  ): Promise<{ lineAccountId: string; predicate: ContactPredicate }> {
    const audience = await this.mustFind(audienceId);
    return { lineAccountId: audience.lineAccountId, predicate: await this.compile(audience, now) };
  }

  private async mustFindAccount(lineAccountId: string): Promise<void> {
    if (!(await this.accounts.findById(lineAccountId))) throw ApiError.field('lineAccountId', 'no such LINE account');
  }

  /**
   * In the transaction that makes a campaign hold the audience (an approval): locks its row FOR
   * SHARE until that transaction ends, so a delete waits for it and then sees the campaign; false
   * when it was deleted first.
   */
  holdForCampaign(id: string, tx: Transaction): Promise<boolean> {
    return this.repository.lockRow(id, 'share', tx);
  }

  /** The audience unless it was deleted (or never existed). */
  find(id: string, tx?: Transaction): Promise<Audience | null> {
    return this.repository.findLive(id, tx);
  }

  async mustFind(id: string, tx?: Transaction): Promise<Audience> {
    const audience = await this.find(id, tx);
    if (!audience) throw ApiError.notFound(`audience ${id}`);
    return audience;
  }

  /**
   * Every `audience` node must name a live audience of the same account, every `tappedPostback` node
   * a campaign of the same account (a tap is only ever recorded for one), and the new graph must have
   * no cycle (for an update: with this audience's new references). Problems name the node's path.
   */
  private async checkReferences(
    lineAccountId: string,
    rule: AudienceRule,
    selfId: string | null,
    tx: Transaction,
  ): Promise<void> {
    const references = audienceReferencePaths(rule, DEFINITION);
    const tapped = tappedCampaignPaths(rule, DEFINITION);
    if (!references.length && !tapped.length) return;
    const live = new Map(
      references.length
        ? (await this.repository.findLiveByIds([...new Set(references.map((r) => r.id))], tx)).map((a) => [a.id, a])
        : [],
    );
    const campaigns = new Set(
      tapped.length
        ? await this.holders.campaignsOnAccount([...new Set(tapped.map((t) => t.id))], lineAccountId, tx)
        : [],
    );
    const problems: FieldProblem[] = [];
    for (const { id, path } of references) {
      if (id === selfId) problems.push({ field: path, problem: "an audience can't include itself (a cycle)" });
      else if (live.get(id)?.lineAccountId !== lineAccountId)
        problems.push({ field: path, problem: `no audience ${id} on this LINE account` });
    }
    for (const { id, path } of tapped)
      if (!campaigns.has(id)) problems.push({ field: path, problem: `no campaign ${id} on this LINE account` });
    if (problems.length)
      throw ApiError.badRequest(`the definition references what it can't: ${describe(problems)}`, problems);
    if (!selfId || !references.length) return; // a new audience can't be part of a cycle: nothing references it yet
    const graph = await this.repository.referenceGraph(lineAccountId, tx);
    graph.set(selfId, referencedAudienceIds(rule));
    const cycle = findAudienceCycle(selfId, (id) => {
      const next = graph.get(id);
      return next === undefined ? undefined : { any: next.map((audience) => ({ audience })) };
    });
    if (cycle) {
      const field = references.find((reference) => reference.id === cycle[1])?.path ?? DEFINITION;
      const problem = `audience references would form a cycle: ${cycle.join(' → ')}`;
      throw ApiError.badRequest(`${field}: ${problem}`, [{ field, problem }]);
    }
  }
}

function checkDefinition(definition: unknown): AudienceRule {
  const result = validateAudienceRule(definition, DEFINITION);
  if (!result.ok)
    throw ApiError.badRequest(
      `the audience definition is not a valid rule tree: ${describe(result.errors)}`,
      result.errors,
    );
  return result.rule;
}

function describe(problems: FieldProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.problem}`).join('; ');
}
