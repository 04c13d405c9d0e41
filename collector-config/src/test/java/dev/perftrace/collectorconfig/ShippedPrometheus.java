package dev.perftrace.collectorconfig;

import dev.perftrace.testing.PrometheusServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Starts a real Prometheus (the test kit's {@link PrometheusServer}) with the shipped {@code
 * prometheus/prometheus.yml} and the command line of {@code compose.yaml}, changed only where a
 * test must: every scrape target points at the workload, rule files are absolute, intervals are
 * 1 s; the harness supplies the temporary storage path and port.
 */
final class ShippedPrometheus {

  private ShippedPrometheus() {}

  static PrometheusServer start(String target) {
    return PrometheusServer.builder()
        .configYaml(testConfig(target))
        .flags(
            ComposeFileTest.strings(
                ComposeFileTest.service("prometheus").get("command"), "prometheus command"))
        .start();
  }

  /**
   * Like {@link #start(String)} with only the shipped scrape job {@code jobName} kept (its
   * settings, {@code honor_labels} included, unchanged), scraping {@code target}.
   */
  static PrometheusServer startJob(String jobName, String target) {
    Map<String, Object> config = new Yaml().load(testConfig(target));
    List<Object> kept = new ArrayList<>();
    for (Object job : ConfigFiles.asList(config.get("scrape_configs"), "scrape_configs")) {
      if (jobName.equals(ConfigFiles.asMap(job, "job").get("job_name"))) {
        kept.add(job);
      }
    }
    if (kept.size() != 1) {
      throw new IllegalArgumentException("no scrape job " + jobName + " in prometheus.yml");
    }
    config.put("scrape_configs", kept);
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return PrometheusServer.builder()
        .configYaml(new Yaml(options).dump(config))
        .flags(
            ComposeFileTest.strings(
                ComposeFileTest.service("prometheus").get("command"), "prometheus command"))
        .start();
  }

  /** The shipped configuration with targets, rule file paths and intervals changed. */
  static String testConfig(String target) {
    Map<String, Object> config = ConfigFiles.yaml(ConfigFiles.prometheusConfig());
    Map<String, Object> global = ConfigFiles.asMap(config.get("global"), "global");
    global.put("scrape_interval", "1s");
    global.put("scrape_timeout", "1s");
    global.put("evaluation_interval", "1s");
    Path dir = ConfigFiles.prometheusConfig().getParent();
    List<Object> ruleFiles = new ArrayList<>();
    ConfigFiles.asList(config.get("rule_files"), "rule_files")
        .forEach(f -> ruleFiles.add(dir.resolve(String.valueOf(f)).toString()));
    config.put("rule_files", ruleFiles);
    for (Object job : ConfigFiles.asList(config.get("scrape_configs"), "scrape_configs")) {
      for (Object sc :
          ConfigFiles.asList(ConfigFiles.asMap(job, "job").get("static_configs"), "sc")) {
        ConfigFiles.asMap(sc, "static_config").put("targets", List.of(target));
      }
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(config);
  }
}
