package dev.perftrace.demo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoOptionsTest {

  private static DemoOptions parse(String... args) {
    CommandLine commandLine = new CommandLine(new DemoOptions());
    commandLine.parseArgs(args);
    return commandLine.getCommand();
  }

  @Test
  void parse_noArguments_givesTheDocumentedDefaults() {
    DemoOptions options = parse();

    assertThat(options.duration()).isEqualTo(Duration.ofSeconds(20));
    assertThat(options.threads()).isEqualTo(4);
    assertThat(options.prometheusHost()).isEqualTo("127.0.0.1");
    assertThat(options.prometheusPort()).isEqualTo(9464);
    assertThat(options.report()).isEqualTo(DemoOptions.ReportChoice.TEXT);
    assertThat(options.otlpFile()).isNull();
    assertThat(options.progress()).isTrue();
  }

  @Test
  void parse_reportMarkdown_selectsMarkdown() {
    assertThat(parse("--report=markdown").report()).isEqualTo(DemoOptions.ReportChoice.MARKDOWN);
  }

  @Test
  void parse_noProgress_turnsProgressOff() {
    assertThat(parse("--no-progress").progress()).isFalse();
  }

  @Test
  void validate_zeroThreads_throwsNamingOption() {
    DemoOptions options = parse("--threads=0");

    assertThatThrownBy(options::validate)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--threads must be in 1..64, was 0");
  }
}
