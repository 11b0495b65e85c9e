import { Module } from '@nestjs/common';
import { PlatformModule, ServiceOptions } from '@verity/platform';
import { SqlAnalysisService } from './analysis/sql-analysis.service';
import { BudgetsRepository } from './budgets/budgets.repository';
import { BudgetsService } from './budgets/budgets.service';
import { DecisionRecordEntity } from './budgets/decision-record.entity';
import { SessionBudgetEntity } from './budgets/session-budget.entity';
import { PolicyBundleService } from './bundle/policy-bundle.service';
import { RowsConsumer, ROWS_CONSUMER } from './budgets/rows.consumer';
import { CreatePolicy1795710000000 } from './migrations/1795710000000-create-policy';
import { AddRowsBudget1795730000000 } from './migrations/1795730000000-add-rows-budget';
import { DecisionsConsumer } from './decisions/decisions.consumer';
import { DecisionsService } from './decisions/decisions.service';
import { CreateReviews1795720000000 } from './migrations/1795720000000-create-reviews';
import { ReviewEventEntity } from './reviews/review-event.entity';
import { ReviewEntity } from './reviews/review.entity';
import { REVIEWS_CONSUMER, ReviewsConsumer } from './reviews/reviews.consumer';
import { ReviewsRepository } from './reviews/reviews.repository';
import { ReviewsService } from './reviews/reviews.service';

/** How the policy process runs, less its port (see main.ts). */
export const POLICY_SERVICE: Omit<ServiceOptions, 'port'> = {
  app: 'policy',
  consumers: [
    { groupId: 'policy.decisions' },
    { groupId: 'policy.reviews', name: REVIEWS_CONSUMER },
    { groupId: 'policy.budgets', name: ROWS_CONSUMER },
  ],
};

@Module({
  imports: [
    PlatformModule.forApp({
      app: POLICY_SERVICE.app,
      persistence: {
        schema: 'policy',
        entities: [SessionBudgetEntity, DecisionRecordEntity, ReviewEntity, ReviewEventEntity],
        migrations: [CreatePolicy1795710000000, CreateReviews1795720000000, AddRowsBudget1795730000000],
      },
    }),
  ],
  controllers: [DecisionsConsumer, ReviewsConsumer, RowsConsumer],
  providers: [
    SqlAnalysisService,
    PolicyBundleService,
    DecisionsService,
    BudgetsRepository,
    BudgetsService,
    ReviewsRepository,
    ReviewsService,
  ],
})
export class PolicyModule {}
