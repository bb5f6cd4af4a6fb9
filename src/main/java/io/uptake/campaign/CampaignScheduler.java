package io.uptake.campaign;

import io.micronaut.context.BeanContext;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.spi.InstanceIdGenerator;
import org.quartz.spi.JobFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;

/**
 * Quartz with its JDBC job store on the application's PostgreSQL (tables from V35), clustered: every
 * instance runs a scheduler of the same name, and each firing of a trigger runs on exactly one of them;
 * when one dies, the others recover its jobs. Quartz gets the application's pool through a
 * ConnectionProvider, and builds jobs as beans of this context. Started with the context, stopped with it.
 */
@Context
public class CampaignScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(CampaignScheduler.class);
    static final String NAME = "uptake";
    static final JobKey HOUSEKEEPING = JobKey.jobKey("campaign-housekeeping", "campaign");
    private final Scheduler scheduler;
    private final String connectionName = "uptake-" + UUID.randomUUID();
    static final String CLUSTERED_GROUP = "cluster";
    private final long housekeepingMillis;
    private final BeanContext beans;

    CampaignScheduler(DataSource dataSource, BeanContext beans, CampaignSettings settings,
                      @Value("${uptake.campaign.quartz.threads:2}") int threads,
                      @Value("${uptake.campaign.quartz.cluster-checkin:7500ms}") java.time.Duration checkin,
                      @Value("${uptake.campaign.quartz.auto-start:true}") boolean autoStart) throws SchedulerException {
        DataSource raw = RawDataSource.of(dataSource);
        DBConnectionManager.getInstance().addConnectionProvider(connectionName, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return raw.getConnection();
            }

            @Override
            public void shutdown() {
                // The pool belongs to the application context, which closes it.
            }

            @Override
            public void initialize() {
                // Nothing to set up: the pool exists already.
            }
        });
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", NAME);
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.instanceIdGenerator.class", UniqueInstanceId.class.getName());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "quartz-" + NAME);
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", connectionName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(checkin.toMillis()));
        p.setProperty("org.quartz.jobStore.misfireThreshold", "10000");
        StdSchedulerFactory factory = new StdSchedulerFactory(p);
        this.scheduler = factory.getScheduler();
        // Quartz keeps schedulers in a JVM-wide registry by name; two service instances in one JVM (a test)
        // need two schedulers of the same cluster name, so this one is not left in the registry.
        SchedulerRepository.getInstance().remove(NAME);
        JobFactory jobs = (bundle, s) -> beans.getBean(bundle.getJobDetail().getJobClass());
        scheduler.setJobFactory(jobs);
        this.housekeepingMillis = settings.housekeepingInterval.toMillis();
        this.beans = beans;
        if (autoStart) {
            scheduler.start();
            ensureJobs();
            LOG.info("Quartz scheduler {} started (clustered)", scheduler.getSchedulerInstanceId());
        }
    }

    /** This instance's id in the cluster; the dispatcher uses it as its claim owner too. */
    public String instanceId() {
        try {
            return scheduler.getSchedulerInstanceId();
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean isRunning() {
        try {
            return scheduler.isStarted() && !scheduler.isShutdown() && !scheduler.isInStandbyMode();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /**
     * Makes sure the cluster-wide housekeeping job exists. Idempotent and safe when several instances race;
     * called at start-up and at every launch.
     */
    public void ensureJobs() {
        ensureHousekeeping();
        for (ClusteredJob job : beans.getBeansOfType(ClusteredJob.class)) {
            ensure(job);
        }
    }

    /**
     * Schedules a feature's clustered job, or moves its trigger to a changed interval (the schedule lives in
     * the shared job store, so a new setting would otherwise never apply).
     */
    private void ensure(ClusteredJob job) {
        JobKey key = JobKey.jobKey(job.name(), CLUSTERED_GROUP);
        TriggerKey triggerKey = TriggerKey.triggerKey(job.name(), CLUSTERED_GROUP);
        long millis = job.interval().toMillis();
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(triggerKey).forJob(key).startNow()
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(millis)
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        try {
            if (scheduler.checkExists(key)) {
                if (scheduler.getTrigger(triggerKey) instanceof SimpleTrigger existing
                        && existing.getRepeatInterval() == millis) {
                    return;
                }
                if (scheduler.rescheduleJob(triggerKey, trigger) == null) {
                    scheduler.scheduleJob(trigger);
                }
                return;
            }
            JobDetail detail = JobBuilder.newJob(job.getClass()).withIdentity(key).storeDurably().requestRecovery()
                    .build();
            scheduler.scheduleJob(detail, trigger);
        } catch (ObjectAlreadyExistsException e) {
            // Another instance scheduled it first.
        } catch (SchedulerException e) {
            throw new IllegalStateException("Could not schedule " + job.name(), e);
        }
    }

    private void ensureHousekeeping() {
        try {
            if (scheduler.checkExists(HOUSEKEEPING)) {
                return;
            }
            JobDetail job = JobBuilder.newJob(HousekeepingJob.class).withIdentity(HOUSEKEEPING).storeDurably()
                    .requestRecovery().build();
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity("campaign-housekeeping", "campaign")
                    .forJob(job).startNow()
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(housekeepingMillis)
                            .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                    .build();
            scheduler.scheduleJob(job, trigger);
        } catch (ObjectAlreadyExistsException e) {
            // Another instance scheduled it first: that is the point of a cluster.
        } catch (SchedulerException e) {
            throw new IllegalStateException("Could not schedule campaign housekeeping", e);
        }
    }

    @PreDestroy
    void stop() throws SchedulerException {
        scheduler.shutdown(true);
        LOG.info("Quartz scheduler stopped");
    }

    /** AUTO instance ids that stay unique even for two schedulers started in the same millisecond. */
    public static class UniqueInstanceId implements InstanceIdGenerator {
        @Override
        public String generateInstanceId() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
            return host + "-" + UUID.randomUUID().toString().substring(0, 8);
        }
    }
}
