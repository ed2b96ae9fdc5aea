package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One past change of the serving count, as the rate policies count it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScaleMoveStatus {

  /** Which way the count moved. */
  public enum Direction {
    Up,
    Down
  }

  @JsonPropertyDescription("Up or Down.")
  private Direction direction;

  @JsonPropertyDescription("Serving nodes before.")
  private Integer from;

  @JsonPropertyDescription("Serving nodes after.")
  private Integer to;

  @JsonPropertyDescription("When (RFC 3339).")
  private String time;

  public ScaleMoveStatus() {}

  public ScaleMoveStatus(Direction direction, int from, int to, String time) {
    this.direction = direction;
    this.from = from;
    this.to = to;
    this.time = time;
  }

  public Direction getDirection() {
    return direction;
  }

  public void setDirection(Direction direction) {
    this.direction = direction;
  }

  public Integer getFrom() {
    return from;
  }

  public void setFrom(Integer from) {
    this.from = from;
  }

  public Integer getTo() {
    return to;
  }

  public void setTo(Integer to) {
    this.to = to;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }
}
