package io.pipool.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MergePatchTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  // examples from RFC 7386, appendix A, plus list replacement
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'a':'b'} | {'a':'c'} | {'a':'c'}",
        "{'a':'b'} | {'b':'c'} | {'a':'b','b':'c'}",
        "{'a':'b'} | {'a':null} | {}",
        "{'a':[{'b':'c'}]} | {'a':[1]} | {'a':[1]}",
        "{'a':{'b':'c'}} | {'a':{'b':'d','c':null}} | {'a':{'b':'d'}}",
        "['a','b'] | ['c','d'] | ['c','d']",
        "{'e':null} | {'a':1} | {'e':null,'a':1}",
      })
  void mergesAsRfc7386Says(String target, String patch, String result) throws Exception {
    assertThat(MergePatch.merge(json(target), json(patch))).isEqualTo(json(result));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{'metadata':{'labels':{'a':'1'}},'status':{'c':[1,2]}} | {'status':{'c':[3]}} | true"
            + " | [{'op':'add','path':'/status','value':{'c':[3]}}]",
        "{'metadata':{'labels':{'a':'1'}},'status':{}} | {'metadata':{'labels':{'b':'2'}},'status':{'x':1}}"
            + " | true | [{'op':'add','path':'/status','value':{'x':1}}]",
        "{'metadata':{'labels':{'a':'1'}}} | {'metadata':{'labels':{'a':null,'b':'2'}}} | false"
            + " | [{'op':'add','path':'/metadata','value':{'labels':{'b':'2'}}}]",
        "{'spec':{'x':1}} | {'spec':null} | false | [{'op':'remove','path':'/spec'}]",
      })
  void becomesOneJsonPatchOperationPerTopLevelField(
      String current, String patch, boolean statusOnly, String ops) throws Exception {
    assertThat(MergePatch.toJsonPatch(json(current), json(patch), statusOnly)).isEqualTo(json(ops));
  }
}
