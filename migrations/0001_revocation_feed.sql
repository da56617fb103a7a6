CREATE TABLE `revocations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`user_id` text NOT NULL,
	`reason` text NOT NULL,
	`replaced_by` text,
	`except_socket_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `revocations_created_idx` ON `revocations` (`created_at`);