import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";

/** The incident projection. Written with hand-written SQL by IncidentService; mapped here for the schema's record. */
@Entity("incident")
export class IncidentEntity {
  @PrimaryGeneratedColumn("uuid") id!: string;
  @Column("text") number!: string;
  @Column("text") title!: string;
  @Column("text") description!: string;
  @Column("text") severity!: string;
  @Column("text") channel!: string;
  @Column("text") status!: string;
  @Column("text") level!: string;
  @Column("uuid", { name: "product_id" }) productId!: string;
  @Column("uuid", { name: "requester_id" }) requesterId!: string;
  @Column("uuid", { name: "assignee_id", nullable: true }) assigneeId!: string | null;
  @Column("timestamptz", { name: "opened_at" }) openedAt!: Date;
  @Column("timestamptz", { name: "recorded_at" }) recordedAt!: Date;
  @Column("timestamptz", { name: "first_responded_at", nullable: true }) firstRespondedAt!: Date | null;
  @Column("timestamptz", { name: "resolved_at", nullable: true }) resolvedAt!: Date | null;
  @Column("timestamptz", { name: "closed_at", nullable: true }) closedAt!: Date | null;
  @Column("timestamptz", { name: "next_due_at", nullable: true }) nextDueAt!: Date | null;
  @Column("timestamptz", { name: "next_decision_at", nullable: true }) nextDecisionAt!: Date | null;
  @Column("boolean") overdue!: boolean;
  @Column("boolean") breached!: boolean;
  @Column("integer") version!: number;
  @Column("timestamptz", { name: "updated_at" }) updatedAt!: Date;
}

/** Append-only history; `sequence` is global. */
@Entity("incident_event")
export class IncidentEventEntity {
  @PrimaryColumn("bigint") sequence!: string;
  // tx_id (xid8) is written by the database default and read with hand-written SQL only
  @Column("uuid", { name: "incident_id" }) incidentId!: string;
  @Column("text") type!: string;
  @Column("timestamptz") at!: Date;
  @Column("timestamptz", { name: "recorded_at" }) recordedAt!: Date;
  @Column("text", { name: "actor_kind" }) actorKind!: string;
  @Column("uuid", { name: "actor_agent_id", nullable: true }) actorAgentId!: string | null;
  @Column("text", { name: "actor_name", nullable: true }) actorName!: string | null;
  @Column("boolean") public!: boolean;
  @Column("jsonb") data!: unknown;
}
