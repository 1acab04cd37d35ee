import { Field, ID, InputType } from "type-graphql";
import { CommentVisibility, ContactChannel, IncidentStatus, Severity, SupportLevel } from "../../graphql/enums.js";
import { ContactInput } from "../catalog/catalog.types.js";

@InputType()
export class IncidentFilter {
  @Field(() => [IncidentStatus], { nullable: true }) status?: IncidentStatus[] | null;
  @Field(() => [Severity], { nullable: true }) severity?: Severity[] | null;
  @Field(() => [SupportLevel], { nullable: true }) level?: SupportLevel[] | null;
  @Field(() => String, { nullable: true }) productCode?: string | null;
  @Field(() => Boolean, { nullable: true, description: "true: not CLOSED or RESOLVED; false: RESOLVED or CLOSED" }) open?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: "some cycle ever breached" }) breached?: boolean | null;
  @Field(() => Boolean, { nullable: true, description: "a breached cycle is still open" }) overdue?: boolean | null;
  @Field(() => String, { nullable: true, description: "number or words of the title" }) search?: string | null;
}

@InputType()
export class AddCommentInput {
  @Field(() => ID) incidentId!: string;
  @Field() body!: string;
  @Field(() => CommentVisibility) visibility!: CommentVisibility;
  @Field(() => ContactChannel, { nullable: true }) channel?: ContactChannel | null;
}

@InputType({ description: "the summary is sent to the customer" })
export class ResolveIncidentInput {
  @Field(() => ID) incidentId!: string;
  @Field() summary!: string;
  @Field(() => ID, { nullable: true }) articleId?: string | null;
}

@InputType()
export class EscalateIncidentInput {
  @Field(() => ID) incidentId!: string;
  @Field() reason!: string;
}

@InputType()
export class OpenIncidentInput {
  @Field() title!: string;
  @Field() description!: string;
  @Field() productCode!: string;
  @Field(() => ContactChannel) channel!: ContactChannel;
  @Field(() => Severity) severity!: Severity;
  @Field(() => ContactInput, { nullable: true, description: "matched to an existing contact by e-mail (case-insensitive), else created" })
  requester?: ContactInput | null;
  @Field(() => ID, { nullable: true, description: "or an existing contact; one of the two is required, except for CUSTOMER keys (the key's contact is the requester)" })
  requesterId?: string | null;
  @Field(() => Date, { nullable: true, description: "imports and calls logged afterwards; default now; never in the future" })
  openedAt?: Date | null;
}
