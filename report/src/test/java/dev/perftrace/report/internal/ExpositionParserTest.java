package dev.perftrace.report.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpositionParserTest {

  private static Sample only(String text) {
    Exposition e = ExpositionParser.parse(text, false);
    assertThat(e.samples()).hasSize(1);
    return e.samples().get(0);
  }

  @Test
  void parse_sampleWithoutLabels_readsNameAndValue() {
    assertThat(only("up 1\n")).isEqualTo(new Sample("up", Map.of(), 1.0));
  }

  @Test
  void parse_labels_readsEveryPair() {
    assertThat(only("m{a=\"x\",b=\"y\"} 2.5\n").labels()).isEqualTo(Map.of("a", "x", "b", "y"));
  }

  @Test
  void parse_labelEscapes_areDecoded() {
    assertThat(only("m{a=\"q\\\"b\\\\s\\nn\"} 1\n").label("a")).isEqualTo("q\"b\\s\nn");
  }

  @Test
  void parse_labelValueWithBraceCommaAndHash_isKeptVerbatim() {
    assertThat(only("m{a=\"} , # {\"} 1\n").label("a")).isEqualTo("} , # {");
  }

  @Test
  void parse_trailingCommaAndSpacesInLabels_areAccepted() {
    assertThat(only("m{ a = \"x\" , } 1\n").labels()).isEqualTo(Map.of("a", "x"));
  }

  @Test
  void parse_emptyBraces_giveNoLabels() {
    assertThat(only("m{} 3\n").labels()).isEmpty();
  }

  @Test
  void parse_positiveInfinity_isRead() {
    assertThat(only("m +Inf\n").value()).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void parse_negativeInfinity_isRead() {
    assertThat(only("m -Inf\n").value()).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void parse_nan_isRead() {
    assertThat(only("m NaN\n").value()).isNaN();
  }

  @Test
  void parse_exponent_isRead() {
    assertThat(only("m -1.5e-3\n").value()).isEqualTo(-0.0015);
  }

  @Test
  void parse_timestamp_isAcceptedAndValueKept() {
    assertThat(only("m{a=\"b\"} 7 1700000000000\n").value()).isEqualTo(7.0);
  }

  @Test
  void parse_openMetricsExemplar_isSkipped() {
    String text =
        "# TYPE d histogram\n"
            + "d_bucket{le=\"0.1\"} 8 # {trace_id=\"abc\",span_id=\"def\"} 0.05 1700000000.123\n"
            + "# EOF\n";
    Exposition e = ExpositionParser.parse(text, true);
    assertThat(e.samples()).containsExactly(new Sample("d_bucket", Map.of("le", "0.1"), 8.0));
  }

  @Test
  void parse_exemplarAfterTimestamp_isSkipped() {
    assertThat(only("c_total 3 1700000000 # {trace_id=\"a\"} 1\n").value()).isEqualTo(3.0);
  }

  @Test
  void parse_typeLines_areRecorded() {
    Exposition e = ExpositionParser.parse("# TYPE a counter\n# TYPE b histogram\n", false);
    assertThat(e.types()).isEqualTo(Map.of("a", "counter", "b", "histogram"));
  }

  @Test
  void parse_helpUnitAndComments_areSkipped() {
    String text =
        "# HELP m Some \\\\ help \\n text\n# UNIT m seconds\n# just a comment\n#\n\nm 1\n";
    assertThat(ExpositionParser.parse(text, false).samples())
        .containsExactly(new Sample("m", Map.of(), 1.0));
  }

  @Test
  void parse_crlfLineEndings_areAccepted() {
    assertThat(only("m{a=\"b\"} 4\r\n").value()).isEqualTo(4.0);
  }

  @Test
  void parse_eofThenTrailingNewline_isAccepted() {
    assertThat(ExpositionParser.parse("m 1\n# EOF\n", true).samples()).hasSize(1);
  }

  @Test
  void parse_openMetricsWithoutEof_isRejected() {
    assertThatThrownBy(() -> ExpositionParser.parse("m 1\n", true))
        .isInstanceOf(ExpositionFormatException.class)
        .hasMessageContaining("without # EOF");
  }

  @Test
  void parse_contentAfterEof_isRejectedWithLineNumber() {
    assertThatThrownBy(() -> ExpositionParser.parse("m 1\n# EOF\nn 2\n", false))
        .isInstanceOf(ExpositionFormatException.class)
        .hasMessage("exposition line 3: content after # EOF");
  }

  @Test
  void parse_unknownLabelEscape_isRejected() {
    assertThatThrownBy(() -> ExpositionParser.parse("ok 1\nm{a=\"\\t\"} 1\n", false))
        .isInstanceOf(ExpositionFormatException.class)
        .hasMessageStartingWith("exposition line 2: unknown escape \\t");
  }

  @Test
  void parse_unterminatedLabelValue_isRejected() {
    assertThatThrownBy(() -> ExpositionParser.parse("m{a=\"x} 1\n", false))
        .hasMessageContaining("unterminated label value");
  }

  @Test
  void parse_duplicateLabel_isRejected() {
    assertThatThrownBy(() -> ExpositionParser.parse("m{a=\"x\",a=\"y\"} 1\n", false))
        .hasMessageContaining("duplicate label 'a'");
  }

  @Test
  void parse_valueThatIsNotANumber_isRejected() {
    assertThatThrownBy(() -> ExpositionParser.parse("m one\n", false))
        .hasMessageContaining("bad value 'one'");
  }

  @Test
  void parse_javaOnlyNumberSyntax_isRejected() {
    assertThatThrownBy(() -> ExpositionParser.parse("m 1.5d\n", false))
        .hasMessageContaining("bad value '1.5d'");
  }

  @Test
  void parse_missingValue_isRejected() {
    assertThatThrownBy(() -> ExpositionParser.parse("m{a=\"b\"}\n", false))
        .hasMessageContaining("expected a space before the value");
  }

  @Test
  void parse_badMetricName_isRejected() {
    assertThatThrownBy(() -> ExpositionParser.parse("1m 1\n", false))
        .hasMessageContaining("expected a metric name");
  }

  @Test
  void parse_textAfterTimestamp_isRejected() {
    assertThatThrownBy(() -> ExpositionParser.parse("m 1 2 3\n", false))
        .hasMessageContaining("expected '#'");
  }

  @Test
  void parse_secondTypeForFamily_isRejected() {
    assertThatThrownBy(() -> ExpositionParser.parse("# TYPE a counter\n# TYPE a gauge\n", false))
        .hasMessage("exposition line 2: second # TYPE for a");
  }

  @Test
  void parse_unknownType_isRejected() {
    assertThatThrownBy(() -> ExpositionParser.parse("# TYPE a timer\n", false))
        .hasMessage("exposition line 1: unknown type 'timer'");
  }

  @Test
  void parse_helpWithUnknownEscape_isRejected() {
    assertThatThrownBy(() -> ExpositionParser.parse("# HELP a bad \\x escape\n", false))
        .hasMessageContaining("unknown escape \\x in # HELP");
  }
}
