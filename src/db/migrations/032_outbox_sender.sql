-- Which sender claimed an outbox row. Each instance's sender holds a session advisory lock (class 20299, its key)
-- for as long as it lives (src/messages/sender-liveness.ts); a row claimed by a sender whose lock is gone (its
-- process died, its connection was cut) is claimed again at once, not after claimed_until. Rows claimed before this
-- (claimed_by null) keep the old rule.
alter table outbox add column claimed_by integer;
