import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity("outbox")
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: "bigint" }) id!: string;
  // tx_id (xid8) is written by the database default and read with hand-written SQL only
  @Column("text") topic!: string;
  @Column("bigint", { name: "event_sequence", nullable: true }) eventSequence!: string | null;
  @Column("jsonb") payload!: unknown;
  @Column("timestamptz", { name: "created_at" }) createdAt!: Date;
}
