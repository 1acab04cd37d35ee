import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from "typeorm";
import type { RoleName } from "./role.js";

@Entity("api_key")
export class ApiKeyEntity {
  @PrimaryGeneratedColumn("uuid") id!: string;
  @Column("text") name!: string;
  @Column("text") role!: RoleName;
  @Column("text", { name: "secret_hash" }) secretHash!: string;
  @Column("uuid", { name: "agent_id", nullable: true }) agentId!: string | null;
  @Column("uuid", { name: "contact_id", nullable: true }) contactId!: string | null;
  @CreateDateColumn({ name: "created_at", type: "timestamptz" }) createdAt!: Date;
  @Column("timestamptz", { name: "revoked_at", nullable: true }) revokedAt!: Date | null;
}
