namespace OutageAlerts.Ingestion.Scheduling;

/// <summary>
/// The tables of Quartz's ADO.NET job store on PostgreSQL, created by our own store migration so that replicas
/// starting together create them once, under the store's migration lock, instead of racing each other. Quartz only
/// validates them at start (its default): the column names and types are the ones its PostgreSQL delegate reads and
/// writes in version 4.7, and <see cref="TablePrefix"/> is what every replica tells Quartz.
/// </summary>
internal static class QuartzSchema
{
    public const string MigrationId = "0300-quartz-job-store";

    /// <summary>One prefix for every replica: a replica with another one would see none of the cluster's rows.</summary>
    public const string TablePrefix = "qrtz_";

    // Identifiers are unquoted, so PostgreSQL folds them to lower case, which is what Quartz's statements fold to too.
    // Times are ticks (bigint), flags are booleans, serialized job data is bytea; the cluster's rows are told apart
    // by sched_name, so every key starts with it.
    public const string PostgresSql = """
        CREATE TABLE qrtz_job_details (
            sched_name text NOT NULL,
            job_name text NOT NULL,
            job_group text NOT NULL,
            description text NULL,
            job_class_name text NOT NULL,
            is_durable boolean NOT NULL,
            is_nonconcurrent boolean NOT NULL,
            is_update_data boolean NOT NULL,
            requests_recovery boolean NOT NULL,
            job_data bytea NULL,
            CONSTRAINT pk_qrtz_job_details PRIMARY KEY (sched_name, job_name, job_group)
        );

        CREATE TABLE qrtz_triggers (
            sched_name text NOT NULL,
            trigger_name text NOT NULL,
            trigger_group text NOT NULL,
            job_name text NOT NULL,
            job_group text NOT NULL,
            description text NULL,
            next_fire_time bigint NULL,
            prev_fire_time bigint NULL,
            priority integer NULL,
            trigger_state text NOT NULL,
            trigger_type text NOT NULL,
            start_time bigint NOT NULL,
            end_time bigint NULL,
            calendar_name text NULL,
            misfire_instr smallint NULL,
            misfire_orig_fire_time bigint NULL,
            execution_group varchar(200) NULL,
            preferred_node varchar(200) NULL,
            preferred_node_auto boolean NOT NULL DEFAULT false,
            retry_policy varchar(250) NULL,
            retry_attempt integer NULL,
            continues_trigger_name text NULL,
            continues_trigger_group text NULL,
            continuation_condition integer NULL,
            overlap_policy integer NULL,
            pause_reason varchar(250) NULL,
            paused_by varchar(200) NULL,
            paused_at bigint NULL,
            misfire_threshold bigint NULL,
            fixed_delay boolean NULL,
            job_data bytea NULL,
            CONSTRAINT pk_qrtz_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
            CONSTRAINT fk_qrtz_triggers_job FOREIGN KEY (sched_name, job_name, job_group)
                REFERENCES qrtz_job_details (sched_name, job_name, job_group)
        );

        -- One row per trigger in exactly one of the four schedule tables below, removed with its trigger.
        CREATE TABLE qrtz_simple_triggers (
            sched_name text NOT NULL,
            trigger_name text NOT NULL,
            trigger_group text NOT NULL,
            repeat_count bigint NOT NULL,
            repeat_interval bigint NOT NULL,
            times_triggered bigint NOT NULL,
            CONSTRAINT pk_qrtz_simple_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
            CONSTRAINT fk_qrtz_simple_triggers FOREIGN KEY (sched_name, trigger_name, trigger_group)
                REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
        );

        CREATE TABLE qrtz_cron_triggers (
            sched_name text NOT NULL,
            trigger_name text NOT NULL,
            trigger_group text NOT NULL,
            cron_expression text NOT NULL,
            time_zone_id text NULL,
            CONSTRAINT pk_qrtz_cron_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
            CONSTRAINT fk_qrtz_cron_triggers FOREIGN KEY (sched_name, trigger_name, trigger_group)
                REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
        );

        CREATE TABLE qrtz_simprop_triggers (
            sched_name text NOT NULL,
            trigger_name text NOT NULL,
            trigger_group text NOT NULL,
            str_prop_1 text NULL,
            str_prop_2 text NULL,
            str_prop_3 text NULL,
            int_prop_1 integer NULL,
            int_prop_2 integer NULL,
            long_prop_1 bigint NULL,
            long_prop_2 bigint NULL,
            dec_prop_1 numeric NULL,
            dec_prop_2 numeric NULL,
            bool_prop_1 boolean NULL,
            bool_prop_2 boolean NULL,
            time_zone_id text NULL,
            CONSTRAINT pk_qrtz_simprop_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
            CONSTRAINT fk_qrtz_simprop_triggers FOREIGN KEY (sched_name, trigger_name, trigger_group)
                REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
        );

        CREATE TABLE qrtz_blob_triggers (
            sched_name text NOT NULL,
            trigger_name text NOT NULL,
            trigger_group text NOT NULL,
            blob_data bytea NULL,
            CONSTRAINT pk_qrtz_blob_triggers PRIMARY KEY (sched_name, trigger_name, trigger_group),
            CONSTRAINT fk_qrtz_blob_triggers FOREIGN KEY (sched_name, trigger_name, trigger_group)
                REFERENCES qrtz_triggers (sched_name, trigger_name, trigger_group) ON DELETE CASCADE
        );

        CREATE TABLE qrtz_calendars (
            sched_name text NOT NULL,
            calendar_name text NOT NULL,
            calendar bytea NOT NULL,
            CONSTRAINT pk_qrtz_calendars PRIMARY KEY (sched_name, calendar_name)
        );

        CREATE TABLE qrtz_paused_trigger_grps (
            sched_name text NOT NULL,
            trigger_group text NOT NULL,
            pause_reason varchar(250) NULL,
            paused_by varchar(200) NULL,
            paused_at bigint NULL,
            CONSTRAINT pk_qrtz_paused_trigger_grps PRIMARY KEY (sched_name, trigger_group)
        );

        CREATE TABLE qrtz_paused_job_grps (
            sched_name text NOT NULL,
            job_group text NOT NULL,
            pause_reason varchar(250) NULL,
            paused_by varchar(200) NULL,
            paused_at bigint NULL,
            CONSTRAINT pk_qrtz_paused_job_grps PRIMARY KEY (sched_name, job_group)
        );

        -- What each node has acquired or is running: how a dead node's work is found and handed on.
        CREATE TABLE qrtz_fired_triggers (
            sched_name text NOT NULL,
            entry_id text NOT NULL,
            trigger_name text NOT NULL,
            trigger_group text NOT NULL,
            instance_name text NOT NULL,
            fired_time bigint NOT NULL,
            sched_time bigint NOT NULL,
            priority integer NOT NULL,
            state text NOT NULL,
            job_name text NULL,
            job_group text NULL,
            is_nonconcurrent boolean NOT NULL,
            requests_recovery boolean NULL,
            execution_group varchar(200) NULL,
            progress integer NULL,
            progress_message varchar(250) NULL,
            interrupt_requested_time bigint NULL,
            CONSTRAINT pk_qrtz_fired_triggers PRIMARY KEY (sched_name, entry_id)
        );

        -- Cluster membership: each node's last check-in; a node silent for too long is recovered by the others.
        CREATE TABLE qrtz_scheduler_state (
            sched_name text NOT NULL,
            instance_name text NOT NULL,
            last_checkin_time bigint NOT NULL,
            checkin_interval bigint NOT NULL,
            quartz_version varchar(20) NULL,
            CONSTRAINT pk_qrtz_scheduler_state PRIMARY KEY (sched_name, instance_name)
        );

        -- Row locks (SELECT … FOR UPDATE) that serialise trigger acquisition and cluster recovery across nodes.
        CREATE TABLE qrtz_locks (
            sched_name text NOT NULL,
            lock_name text NOT NULL,
            CONSTRAINT pk_qrtz_locks PRIMARY KEY (sched_name, lock_name)
        );

        CREATE TABLE qrtz_execution_history (
            sched_name text NOT NULL,
            entry_id text NOT NULL,
            instance_name text NOT NULL,
            job_name text NOT NULL,
            job_group text NOT NULL,
            trigger_name text NOT NULL,
            trigger_group text NOT NULL,
            fired_time bigint NOT NULL,
            run_time bigint NOT NULL,
            succeeded boolean NOT NULL,
            error_message text NULL,
            retry_attempt integer NOT NULL DEFAULT 0,
            retry_scheduled boolean NOT NULL DEFAULT false,
            execution_log text NULL,
            result integer NULL,
            summary text NULL,
            metrics text NULL,
            manual boolean NULL,
            fire_instance_id text NULL,
            job_input text NULL,
            job_input_too_large boolean NULL,
            CONSTRAINT pk_qrtz_execution_history PRIMARY KEY (sched_name, entry_id)
        );

        CREATE TABLE qrtz_misfire_history (
            sched_name text NOT NULL,
            entry_id text NOT NULL,
            instance_name text NOT NULL,
            trigger_name text NOT NULL,
            trigger_group text NOT NULL,
            job_name text NULL,
            job_group text NULL,
            misfire_time bigint NOT NULL,
            sched_time bigint NULL,
            reason integer NULL,
            CONSTRAINT pk_qrtz_misfire_history PRIMARY KEY (sched_name, entry_id)
        );

        CREATE TABLE qrtz_job_status (
            sched_name text NOT NULL,
            job_group text NOT NULL,
            job_name text NOT NULL,
            first_fired_time bigint NOT NULL,
            last_fired_time bigint NOT NULL,
            last_result integer NOT NULL,
            last_run_time bigint NOT NULL,
            last_instance_name text NOT NULL,
            last_entry_id text NULL,
            last_summary text NULL,
            last_success_time bigint NULL,
            last_failure_time bigint NULL,
            last_failure_message text NULL,
            consecutive_failures integer NOT NULL DEFAULT 0,
            run_count bigint NOT NULL DEFAULT 0,
            failure_count bigint NOT NULL DEFAULT 0,
            CONSTRAINT pk_qrtz_job_status PRIMARY KEY (sched_name, job_group, job_name)
        );

        -- The lookups of acquisition (state + next fire time), of a job's triggers and of a node's fired triggers.
        CREATE INDEX idx_qrtz_t_next_fire ON qrtz_triggers (sched_name, trigger_state, next_fire_time, priority DESC, misfire_instr);
        CREATE INDEX idx_qrtz_t_job ON qrtz_triggers (sched_name, job_name, job_group);
        CREATE INDEX idx_qrtz_t_group ON qrtz_triggers (sched_name, trigger_group, trigger_name);
        CREATE INDEX idx_qrtz_t_calendar ON qrtz_triggers (sched_name, calendar_name);
        CREATE INDEX idx_qrtz_j_group ON qrtz_job_details (sched_name, job_group, job_name);
        CREATE INDEX idx_qrtz_ft_instance ON qrtz_fired_triggers (sched_name, instance_name, requests_recovery);
        CREATE INDEX idx_qrtz_ft_job ON qrtz_fired_triggers (sched_name, job_name, job_group);
        CREATE INDEX idx_qrtz_ft_trigger ON qrtz_fired_triggers (sched_name, trigger_name, trigger_group);
        CREATE INDEX idx_qrtz_eh_fired ON qrtz_execution_history (sched_name, fired_time);
        CREATE INDEX idx_qrtz_eh_job ON qrtz_execution_history (sched_name, job_group, job_name, fired_time);
        CREATE INDEX idx_qrtz_mh_misfire ON qrtz_misfire_history (sched_name, misfire_time);
        """;

    /// <summary>
    /// SQLite never runs the clustered store (the embedded default keeps Quartz in memory); the migration is only
    /// registered for PostgreSQL, and this statement keeps it harmless should it ever run elsewhere.
    /// </summary>
    public const string OtherSql = "SELECT 1;";
}
